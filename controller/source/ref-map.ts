// From refs as a repository lists them (full names, each with its id and the
// id it peels to) to the RefMap the controller works with.
import type { RefMap } from "./types.js";

/** Full ref name (`refs/heads/x`, `refs/tags/y`) to its id and what it finally points at. */
export type RefListing = Map<string, { oid: string; peeled: string }>;

/**
 * `typeOf` says what an object is (undefined when it is missing); tags whose
 * peeled object is not a commit are marked, so they never resolve to a system.
 */
export async function toRefMap(
  listing: RefListing,
  head: string | undefined,
  typeOf: (oid: string) => Promise<string | undefined>,
): Promise<RefMap> {
  const branches = new Map<string, string>();
  const tags = new Map<string, string>();
  const nonCommitTags = new Map<string, string>();
  for (const [name, { peeled }] of listing) {
    if (name.startsWith("refs/heads/")) branches.set(name.slice(11), peeled);
    else if (name.startsWith("refs/tags/")) {
      const tag = name.slice(10);
      tags.set(tag, peeled);
      const type = await typeOf(peeled);
      if (type !== "commit") nonCommitTags.set(tag, type ?? "missing");
    }
  }
  return Object.freeze({
    branches,
    tags,
    nonCommitTags,
    defaultBranch: head?.startsWith("refs/heads/") ? head.slice(11) : undefined,
  });
}

/** Whether two maps say the same thing (to tell a real change from a touched file). */
export function sameRefMap(a: RefMap, b: RefMap): boolean {
  return (
    a.defaultBranch === b.defaultBranch &&
    sameMap(a.branches, b.branches) &&
    sameMap(a.tags, b.tags) &&
    sameMap(a.nonCommitTags, b.nonCommitTags)
  );
}

function sameMap(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
