// What a schema cannot say about one platform: each ref is deployed once and
// each environment released once, since the status API and the objects'
// names know them by that key (DESIGN §3, §6). Reads data that may not have
// passed the schema, so that these are reported beside the schema's findings.
import { stringAt, valueAt } from "./field-path.js";
import type { Issue } from "./issue.js";

export function checkPlatform(data: unknown): Issue[] {
  return [
    ...duplicates(
      data,
      "deployments",
      "ref",
      (i, ref, first) =>
        `spec.deployments[${i}] deploys ${ref} again (see spec.deployments[${first}]); a platform deploys each ref once`,
    ),
    ...duplicates(
      data,
      "releases",
      "environment",
      (i, env, first) =>
        `spec.releases[${i}] releases environment ${env} again (see spec.releases[${first}]); a platform has one release per environment`,
    ),
  ];
}

function duplicates(
  data: unknown,
  list: "deployments" | "releases",
  key: "ref" | "environment",
  message: (index: number, value: string, first: number) => string,
): Issue[] {
  const items = valueAt(data, ["spec", list]);
  if (!Array.isArray(items)) return [];
  const seen = new Map<string, number>();
  const issues: Issue[] = [];
  items.forEach((_, i) => {
    const value = stringAt(items, [i, key]);
    if (value === undefined) return;
    const first = seen.get(value);
    if (first === undefined) seen.set(value, i);
    else issues.push({ path: ["spec", list, i, key], message: message(i, value, first) });
  });
  return issues;
}
