// Kubernetes names for rendered objects: valid DNS-1123 labels, deterministic,
// and collision-free. Where turning a ref or name into a label loses
// information ("feature/a-b" and "feature/a/b" would both become
// "feature-a-b"), or a name would pass 63 characters, a short hash of the
// exact input is added.
import { createHash } from "node:crypto";

export const maxNameLength = 63;

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 6);
}

/** Lower-case, [a-z0-9-] only, no leading, trailing or doubled dashes. */
function sanitize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
}

/** A DNS-1123 label (and DNS-1035: it starts with a letter) from name parts. */
export function objectName(...parts: string[]): string {
  const exact = parts.join("-");
  let name = sanitize(exact);
  if (!/^[a-z]/.test(name)) name = `kf-${name}`;
  if (name.length <= maxNameLength) return name;
  const hash = shortHash(exact);
  return `${name.slice(0, maxNameLength - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/** A ref as a name part: `branch/main` → `branch-main`, `tag/v1.4.0` → `tag-v1-4-0-3f9a1c`. */
export function refSlug(ref: string): string {
  const slash = ref.indexOf("/");
  const type = slash > 0 ? ref.slice(0, slash) : "ref";
  const rest = slash > 0 ? ref.slice(slash + 1) : ref;
  const lossless = /^[a-z0-9]+(-[a-z0-9]+)*$/.test(rest);
  const base = `${type}-${sanitize(type === "id" ? rest.slice(0, 12) : rest)}`;
  return lossless && type !== "id" ? base : `${base}-${shortHash(ref)}`;
}

/** A label value (at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends). */
export function labelValue(text: string): string {
  const clean = text
    .replace(/[^A-Za-z0-9-_.]+/g, "-")
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  if (clean === text && clean.length <= maxNameLength) return clean;
  const hash = shortHash(text);
  return `${clean.slice(0, maxNameLength - hash.length - 1).replace(/[^A-Za-z0-9]+$/, "")}-${hash}`.replace(
    /^-/,
    "",
  );
}
