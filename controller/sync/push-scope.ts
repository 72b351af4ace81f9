// Which replicas a push concerns (issue 17). With sharding, the replica a
// webhook lands on tells the others the refs the push changed; each fetches at
// once only when one of them may move an input of a platform it writes, and
// otherwise a moment later, so that the owner's fetch and reconcile have the
// cores. Conservative: anything it cannot tell counts as a concern.
import type { ControlModel } from "../model/load-control.js";
import { parseRef } from "../source/refs.js";

/**
 * Could a push of `refs` (full names: `refs/heads/x`, `refs/tags/v1`) change the inputs
 * of a platform `owns` says this replica writes? Yes for the control branch, for a branch
 * one of its deployments or releases follows, for any tag when one follows a tag, and
 * for a ref that does not parse (its reconcile says why).
 */
export function pushMayConcern(
  refs: readonly string[],
  control: ControlModel,
  controlBranch: string,
  owns: (platform: string) => boolean,
): boolean {
  const branches = new Set(
    refs.filter((r) => r.startsWith("refs/heads/")).map((r) => r.slice("refs/heads/".length)),
  );
  const anyTag = refs.some((r) => r.startsWith("refs/tags/"));
  if (branches.has(controlBranch)) return true;
  for (const [name, doc] of Object.entries(control.platforms)) {
    if (!owns(name)) continue;
    for (const { ref } of [...doc.spec.deployments, ...doc.spec.releases]) {
      let parsed;
      try {
        parsed = parseRef(ref);
      } catch {
        return true;
      }
      if (parsed.kind === "branch" && branches.has(parsed.name)) return true;
      if ((parsed.kind === "tag" || parsed.kind === "tag-pattern") && anyTag) return true;
    }
  }
  return false;
}
