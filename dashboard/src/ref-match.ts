// Does a platform file's ref name this branch or tag? A tag pattern (`tag/v*`)
// matches every tag it could pick; `*` is any text, nothing else is special.
export function refMatches(ref: string, kind: "branch" | "tag", name: string): boolean {
  if (!ref.startsWith(`${kind}/`)) return false;
  const pattern = ref.slice(kind.length + 1);
  if (!pattern.includes("*")) return pattern === name;
  const escaped = pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`).test(name);
}
