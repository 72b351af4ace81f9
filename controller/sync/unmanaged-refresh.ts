// When a platform's reconcile lists the objects in its namespace that we did
// not create (ten lists, one per kind). Not on every drift, and not on every
// fetch either: a poll or webhook that finds Git as it was would otherwise cost
// ten requests per platform (a thousand at 100 platforms, issue 17). Such
// objects are made by people and other tools, not by Git, so listing them when
// Git changed and otherwise once a minute keeps the inventory fresh enough.

/** Between listings when Git did not change. */
export const unmanagedRefreshMs = 60_000;

export interface UnmanagedListing {
  /** The snapshot's `changedSeq` at the last listing (-1: never listed). */
  changedSeq: number;
  atMs: number;
}

export function shouldListUnmanaged(
  last: UnmanagedListing,
  changedSeq: number,
  nowMs: number,
  refreshMs = unmanagedRefreshMs,
): boolean {
  return changedSeq !== last.changedSeq || nowMs - last.atMs >= refreshMs;
}
