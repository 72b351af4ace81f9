// When a platform's reconcile lists the objects in its namespace that we did
// not create (ten lists, one per kind). Not on every drift or every fetch: a
// sync that finds this platform's inputs as they were would otherwise cost ten
// requests per platform, and a push to one platform's branch would queue ten
// lists for every other platform ahead of its own applies (issue 17). Such
// objects are made by people and other tools, not by Git, so listing them when
// one of the platform's deployments rendered anew (the reconcile decides that)
// and otherwise once a minute keeps the inventory fresh enough.
//
// "Once a minute" is a timer of each platform's own, not a check in whatever
// reconcile comes next: that made the first push a minute after the last one
// list every platform at once (1,000 requests at 100 platforms, a push p95 of
// 2.6 s at 5,000 components). The timers are spread over a third of a minute.

/** Between listings whatever happened. */
export const unmanagedRefreshMs = 60_000;

/** Must this reconcile list, whether or not its deployments render anew? `lastMs`: undefined when never listed. */
export function unmanagedDue(
  lastMs: number | undefined,
  nowMs: number,
  refreshMs = unmanagedRefreshMs,
): boolean {
  return lastMs === undefined || nowMs - lastMs >= refreshMs;
}

/** How long from `nowMs` until the refresh after a listing at `lastMs`, spread by `spread` in [0, 1). */
export function refreshDelayMs(
  lastMs: number,
  nowMs: number,
  spread = Math.random(),
  refreshMs = unmanagedRefreshMs,
): number {
  return Math.max(0, lastMs + refreshMs - nowMs) + Math.floor((spread * refreshMs) / 3);
}
