// `kubefox-gitops render [DIR] --platform NAME [--ref REF]` (DESIGN §7): the
// objects a platform's deployments and releases would apply, as multi-document
// YAML on stdout that `kubectl apply -f -` accepts; nothing is applied and no
// cluster is needed. What it rendered, and anything it could not, goes to
// stderr. The platform, environment and config files are read from DIR as they
// are; refs resolve as run resolves them (see work-tree.ts). Exit 0 rendered;
// 1 invalid, refused, or a ref that does not resolve (nothing on stdout then);
// 2 could not run.
import { stat } from "node:fs/promises";
import path from "node:path";
import type { KubernetesObject } from "@kubernetes/client-node";
import { stringify } from "yaml";
import {
  describeError,
  errorCode,
  formatProblem,
  SettingsError,
  ValidationError,
} from "../../errors.js";
import { FsTree } from "../../model/fs-tree.js";
import { loadControl } from "../../model/load-control.js";
import {
  describePart,
  PolicyRefusal,
  previewPlatform,
  unresolvedLine,
  type PreviewPart,
} from "./platform-preview.js";
import { openWorkTree, type ResolvedAt, type WorkTree } from "./work-tree.js";

import { commandHelp, parseCommandLine, usageLine } from "../command-line.js";
import { renderCommand } from "../settings.js";

const usage = usageLine(renderCommand);

export async function render(args: string[]): Promise<number> {
  let dir: string;
  let platformName: string;
  let onlyRef: string | undefined;
  try {
    const { values, positionals } = parseCommandLine(renderCommand, args, process.env);
    if (values.help) {
      process.stdout.write(commandHelp(renderCommand));
      return 0;
    }
    if (!values.platform) throw new SettingsError("--platform is required");
    if (positionals.length > 1)
      throw new SettingsError(`one DIR at most, got ${positionals.length}`);
    dir = positionals[0] ?? ".";
    platformName = values.platform;
    onlyRef = values.ref;
  } catch (err) {
    return fail(`${describeError(err)}\n${usage}`);
  }
  if (
    !(await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    return fail(`${dir} is not a folder`);

  const control = await loadControl(new FsTree(dir));
  if (control.problems.length > 0) return invalid(control.problems.map(formatProblem));
  const doc = control.model.platforms[platformName];
  if (!doc) {
    const known = Object.keys(control.model.platforms).join(", ") || "none";
    return fail(
      `no platform ${platformName} in ${path.join(dir, "platforms")} (platforms: ${known})`,
    );
  }

  let tree: WorkTree;
  try {
    tree = await openWorkTree(dir);
  } catch (err) {
    return fail(describeError(err));
  }
  const preview = await previewPlatform(tree, control.model, platformName, doc, onlyRef).finally(
    () => tree.close(),
  );

  const { platform, parts, failures } = preview;
  say(
    `platform ${platform.name}, namespace ${platform.namespace}` +
      (tree.git
        ? ""
        : `; ${dir} is not a Git repository, so its working tree stands for every ref`),
  );
  if (failures.length > 0) {
    const shown = new Set<string>();
    for (const f of failures) {
      const problems = problemsOf(f.error).map(formatProblem);
      for (const line of problems.filter((l) => !shown.has(l))) {
        shown.add(line);
        process.stderr.write(`${line}\n`);
      }
      const code = errorCode(f.error);
      const why =
        problems.length > 0
          ? `${count(problems.length, "problem")} (above) in ${where(f.at, tree.git)}`
          : describeError(f.error);
      say(`${describePart(f)}: [${code}] ${why}`);
    }
    const hint = parts.length > 0 ? " (--ref REF renders the ones with that ref alone)" : "";
    say(
      `nothing printed: ${failures.length} of ${failures.length + parts.length} not rendered${hint}`,
    );
    return 1;
  }

  for (const u of preview.unresolved) say(unresolvedLine(u, "rendered"));
  const documents: string[] = [];
  for (const part of parts) {
    for (const w of part.warnings) process.stderr.write(`warning: ${part.ref}: ${w}\n`);
    say(summary(part, tree.git));
    documents.push(...part.objects.map(toYaml));
    if (part.routingSecret) documents.push(asComment(part.routingSecret));
  }
  if (parts.length === 0 && preview.unresolved.length === 0)
    say("nothing to render: the platform has no deployments or releases");
  process.stdout.write(documents.join("---\n"));
  return 0;
}

function summary(part: PreviewPart, git: boolean): string {
  const tag = part.at.tag ? `, tag ${part.at.tag}` : "";
  const at = git
    ? ` at ${part.at.commit.slice(0, 12)}${tag}${part.at.workingTree ? " (working tree)" : ""}`
    : "";
  const extra = [
    part.adHoc ? "not in the platform file" : undefined,
    part.kind === "deployment" && part.environment ? `environment ${part.environment}` : undefined,
  ].filter((e) => e !== undefined);
  const secret = part.routingSecret
    ? `, and Secret ${part.routingSecret.metadata?.name} without its keys, as a comment (the controller makes them)`
    : "";
  return `${describePart(part)}${extra.length > 0 ? ` (${extra.join(", ")})` : ""}${at}: ${count(part.objects.length, "object")}${secret}`;
}

function where(at: ResolvedAt | undefined, git: boolean): string {
  if (!at || at.workingTree || !git) return "the working tree";
  return `commit ${at.commit.slice(0, 12)}${at.tag ? ` (tag ${at.tag})` : ""}`;
}

function problemsOf(error: unknown) {
  if (error instanceof ValidationError || error instanceof PolicyRefusal) return error.problems;
  return [];
}

function toYaml(obj: KubernetesObject): string {
  return stringify(obj, { lineWidth: 0, aliasDuplicateObjects: false });
}

/**
 * The routing Secret as a YAML comment: a reader sees its name, labels and keys,
 * and `kubectl apply -f -` skips it, so the real Secret's keys are never
 * overwritten (nor an empty one made, which the controller would take as made).
 */
function asComment(secret: KubernetesObject): string {
  const lines = [
    `Secret ${secret.metadata?.name}: the controller makes it once, with 256 random bits per key,`,
    "and never shows or reads it back. Shown without its keys, as a comment, so that applying",
    "this output leaves it alone:",
    ...toYaml(secret).trimEnd().split("\n"),
  ];
  return lines.map((l) => `# ${l}\n`).join("");
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function say(line: string): void {
  process.stderr.write(`kubefox-gitops render: ${line}\n`);
}

function invalid(lines: string[]): number {
  process.stderr.write(lines.map((l) => `${l}\n`).join(""));
  return 1;
}

function fail(message: string): number {
  say(message);
  return 2;
}
