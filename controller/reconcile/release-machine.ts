// The release lifecycle (DESIGN §4) as a decision: from the state kept in the
// cluster and what was observed now, the next state and the effects that lead
// there. Pure (no I/O, no clock, no randomness), so every transition is tested
// by a table (release-machine.test.ts); release-executor.ts observes and carries
// the effects out.
//
// When the ref resolves to a new commit, that version is recorded as pending
// (stored before any of its objects is applied, so a controller killed at any
// point finds every object it may have made) and applied beside the active one.
// When every object of it is ready (its Deployments Available), the front (the environment's
// Services and Ingress) switches to it in one apply and the old version is
// archived; when it is not Available by its deadline it is archived instead and
// the active version never stops serving. Objects of archived versions are
// deleted by the next reconcile, once the state that lists them is stored.
import type { KubernetesObject } from "@kubernetes/client-node";
import { ActivationDeadlineError, describeError, errorCode } from "../errors.js";
import type { ArchiveReason, ReleasePolicy, ReleaseState, ReleaseVersion } from "./release.js";
import type { ComponentHealth, InventoryEntry, NotReadyObject } from "../status/status.js";

/** Why something could not be observed or rendered. */
export interface Failure {
  error: unknown;
}

/** Objects rendered now, or why they could not be. */
export type Rendered = { objects: KubernetesObject[] } | Failure;

/** The version the release's ref resolves to now. */
export interface Candidate {
  commit: string;
  /** Its Deployments and ConfigMaps. */
  objects: KubernetesObject[];
  /** The front (Services, Ingress) selecting it; needed only to cut over to it. */
  front: Rendered;
  /** Health of its Deployments, from the watch cache. */
  health: ComponentHealth[];
  /** Its objects that are not Ready (kstatus's rules), from the watch cache. */
  notReady: NotReadyObject[];
  /** Is `commit` an ancestor of the active version's commit? Asked when ancestryQuestions says so. */
  olderThanActive?: boolean;
  /** Is `commit` an ancestor of the pending version's commit? Asked when ancestryQuestions says so. */
  olderThanPending?: boolean;
}

export interface ReleaseObservation {
  release: { environment: string; ref: string };
  policy: ReleasePolicy;
  now: Date;
  /** The candidate version, or why there is none (no environment, ref not found, invalid tree). */
  candidate: Candidate | Failure;
  /** The active version and its front rendered now (when there is an active version). */
  active?: { objects: Rendered; front: Rendered };
  /** The id of a version recorded now (random; passed in so that deciding stays pure). */
  newReleaseId: string;
}

export type ReleaseAction =
  /** Delete objects of versions archived by an earlier, stored reconcile; what fails to go stays retiring. */
  | { type: "delete"; entries: InventoryEntry[] }
  /** Write-ahead: store this state, with its new pending version, before any of its objects is applied. */
  | { type: "recordPending"; state: ReleaseState }
  /** Make the `<env>-routing` Secret, which was never made. */
  | { type: "ensureRoutingSecret" }
  /** Apply objects as they should be: the active version, the front as it is, the pending version. */
  | { type: "apply"; part: "active" | "front" | "pending"; objects: KubernetesObject[] }
  /** Cut over: the front switches to the pending version, in one apply. */
  | { type: "switchFront"; objects: KubernetesObject[] };

export interface ReleaseDecision {
  /** In order; the executor stops at the first that fails (a delete does not fail: see above). */
  actions: ReleaseAction[];
  /** The state once every action succeeded. */
  next: ReleaseState;
  /** The state when an action failed (the executor adds the error). */
  ifFailed: ReleaseState;
  /**
   * When every action succeeded: reconcile again by then (the pending version's
   * deadline; or at once, to delete what this decision archived).
   */
  requeueAtMs?: number;
}

/** What carrying out a decision's actions came to. */
export interface ReleaseOutcome {
  /** The action that failed, if one did, and why. */
  failed?: Failure;
  /** The routing Secret was made (or found made) by this run's ensureRoutingSecret. */
  routingSecretMade: boolean;
  /** Entries whose delete failed: tried again next time. */
  undeleted: InventoryEntry[];
}

/**
 * Which commit ancestries the decision may need for this candidate. Each one is a
 * walk of the Git log, so the executor asks only these: whether a new commit moves
 * back from the pending version, and, when the candidate could be cut over to now,
 * whether it moves back from the active one.
 */
export function ancestryQuestions(
  stored: ReleaseState | undefined,
  candidate: Pick<Candidate, "commit" | "health" | "notReady">,
): { ofActive: boolean; ofPending: boolean } {
  const { commit } = candidate;
  const isNew = commit !== stored?.active?.commit && commit !== stored?.pending?.commit;
  return {
    ofActive: !!stored?.active && commit !== stored.active.commit && allReady(candidate),
    ofPending: !!stored?.pending && isNew,
  };
}

export function decideRelease(
  stored: ReleaseState | undefined,
  seen: ReleaseObservation,
): ReleaseDecision {
  const now = seen.now.toISOString();
  const state = startFrom(stored, seen.release);
  const alreadyRetiring = state.retiring;
  const actions: ReleaseAction[] = [];
  const done = (
    ifFailed: ReleaseState,
    next: ReleaseState,
    error?: unknown,
    requeueAtMs?: number,
  ): ReleaseDecision =>
    finish(
      alreadyRetiring,
      actions,
      ifFailed,
      error === undefined ? next : withReleaseError(next, error),
      requeueAtMs,
      seen.now.getTime(),
    );
  const archive = (version: ReleaseVersion, reason: ArchiveReason) => {
    const { inventory, ...rest } = version;
    state.history = [{ ...rest, archiveTime: now, reason }, ...state.history].slice(
      0,
      seen.policy.historyLimit,
    );
    state.retiring = [...state.retiring, ...inventory];
  };

  // 1. No version to look at (no environment, ref not found, invalid tree): what is active stays.
  const c = seen.candidate;
  if ("error" in c) return done(clone(state), state, c.error);

  // 2. A new commit: the pending version it replaces is archived, and the new one recorded
  //    (write-ahead) before anything of it is applied. A commit that already missed its
  //    deadline is not tried again until the ref moves on.
  const isNew = c.commit !== state.active?.commit && c.commit !== state.pending?.commit;
  const failedBefore = state.history.find(
    (h) => h.commit === c.commit && h.reason === "PendingDeadlineExceeded",
  );
  if (isNew && state.pending) {
    archive(state.pending, c.olderThanPending ? "RolledBack" : "Superseded");
    delete state.pending;
  }
  if (isNew && failedBefore) {
    const archived = clone(state);
    const error = keepActive(state, seen, actions, false);
    const refused = new ActivationDeadlineError(
      `${seen.release.ref} (${c.commit.slice(0, 12)}) was not Available within ` +
        `${seen.policy.activationDeadlineSeconds}s at ${failedBefore.archiveTime}; push a new commit to try again`,
    );
    return done(archived, state, error ?? refused);
  }
  if (isNew) {
    state.pending = {
      releaseId: seen.newReleaseId,
      commit: c.commit,
      ref: seen.release.ref,
      requestTime: now,
      inventory: c.objects.map(entryOf),
    };
    actions.push({ type: "recordPending", state: clone(state) });
  } else if (c.commit === state.active?.commit && state.pending) {
    // The ref moved back to what is active: the pending version is rolled back.
    archive(state.pending, "RolledBack");
    delete state.pending;
  }
  const recorded = clone(state);

  // 3. The active version and the front as they should be (undoing drift). When the pending
  //    version is cut over to now, the front is applied once, for it.
  const pending = state.pending;
  const ready = !!pending && allReady(c);
  const cutOver = ready && !("error" in c.front);
  const activeError = keepActive(state, seen, actions, cutOver);
  if (activeError !== undefined || !pending) return done(recorded, state, activeError);

  // 4. The pending version: cut over when every object of it is ready; give up at the deadline.
  const deadlineMs = deadlineOf(pending, seen.policy);
  if (!ready && seen.now.getTime() >= deadlineMs) {
    archive(pending, "PendingDeadlineExceeded");
    delete state.pending;
    return done(recorded, state);
  }
  actions.push({ type: "apply", part: "pending", objects: c.objects });
  if (!ready) return done(recorded, state, undefined, deadlineMs);
  if ("error" in c.front) return done(recorded, state, c.front.error);
  actions.push({ type: "switchFront", objects: c.front.objects });
  const outgoing = state.active;
  state.active = { ...pending, activationTime: now };
  delete state.pending;
  if (outgoing) archive(outgoing, c.olderThanActive ? "RolledBack" : "Superseded");
  const front = c.front.objects.map(entryOf);
  const stale = state.front.filter((e) => !front.some((f) => sameEntry(f, e)));
  state.retiring = [...state.retiring, ...stale];
  state.front = front;
  return done(recorded, state);
}

/** The state a decision leads to, given how carrying it out went. */
export function settleRelease(decision: ReleaseDecision, outcome: ReleaseOutcome): ReleaseState {
  const state = outcome.failed
    ? withReleaseError(decision.ifFailed, outcome.failed.error)
    : clone(decision.next);
  state.retiring = [...outcome.undeleted, ...state.retiring];
  if (outcome.routingSecretMade) state.routingSecret = true;
  return state;
}

/** When a pending version must be Available by (ms since the epoch). */
export function deadlineOf(pending: ReleaseVersion, policy: ReleasePolicy): number {
  return Date.parse(pending.requestTime) + policy.activationDeadlineSeconds * 1000;
}

/**
 * The routing Secret, the active version and (unless it is about to switch) the
 * front as they should be. Returns the error that stops it, when the active
 * version cannot be rendered now.
 */
function keepActive(
  state: ReleaseState,
  seen: ReleaseObservation,
  actions: ReleaseAction[],
  switching: boolean,
): unknown {
  if (!state.routingSecret) {
    actions.push({ type: "ensureRoutingSecret" });
    state.routingSecret = true;
  }
  if (!state.active) return undefined;
  const active = seen.active ?? { objects: missing, front: missing };
  if ("error" in active.objects) return active.objects.error;
  actions.push({ type: "apply", part: "active", objects: active.objects.objects });
  if (switching) return undefined;
  if ("error" in active.front) return active.front.error;
  actions.push({ type: "apply", part: "front", objects: active.front.objects });
  return undefined;
}

const missing: Failure = { error: new Error("the active version was not rendered") };

/**
 * The decision, with the deletes of what earlier reconciles archived first: those
 * are stored as retiring, so deleting them is safe, and anything this decision
 * applies again is spared (it belongs to a version again). What this decision
 * archives is deleted by the next reconcile, which is asked for at once.
 */
function finish(
  alreadyRetiring: InventoryEntry[],
  actions: ReleaseAction[],
  ifFailed: ReleaseState,
  next: ReleaseState,
  requeueAtMs: number | undefined,
  nowMs: number,
): ReleaseDecision {
  const applied = actions.flatMap((a) =>
    a.type === "apply" || a.type === "switchFront" ? a.objects.map(entryOf) : [],
  );
  const wanted = (e: InventoryEntry) => applied.some((a) => sameEntry(a, e));
  const toDelete = unique(alreadyRetiring.filter((e) => !wanted(e)));
  const archivedNow = (s: ReleaseState) => s.retiring.slice(alreadyRetiring.length);
  const requeue = archivedNow(next).length > 0 ? nowMs : requeueAtMs;
  return {
    actions: toDelete.length > 0 ? [{ type: "delete", entries: toDelete }, ...actions] : actions,
    next: { ...next, retiring: archivedNow(next) },
    ifFailed: { ...ifFailed, retiring: archivedNow(ifFailed) },
    ...(requeue !== undefined ? { requeueAtMs: requeue } : {}),
  };
}

function startFrom(
  stored: ReleaseState | undefined,
  release: { environment: string; ref: string },
): ReleaseState {
  if (!stored)
    return {
      environment: release.environment,
      ref: release.ref,
      history: [],
      front: [],
      retiring: [],
    };
  const state = { ...clone(stored), ref: release.ref };
  delete state.lastError;
  delete state.lastErrorCode;
  return state;
}

/** The state with `error` as its lastError and lastErrorCode. */
export function withReleaseError(state: ReleaseState, error: unknown): ReleaseState {
  return {
    ...clone(state),
    lastError: describeError(error),
    lastErrorCode: errorCode(error),
  };
}

/** Every Deployment of the version Available, and every other object of it ready (issue 15). */
function allReady(candidate: Pick<Candidate, "health" | "notReady">): boolean {
  return candidate.health.every((h) => h.state === "Ready") && candidate.notReady.length === 0;
}

function clone(state: ReleaseState): ReleaseState {
  return structuredClone(state);
}

export function entryOf(obj: KubernetesObject): InventoryEntry {
  return {
    apiVersion: obj.apiVersion ?? "",
    kind: obj.kind ?? "",
    name: obj.metadata?.name ?? "",
    ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
  };
}

function sameEntry(a: InventoryEntry, b: InventoryEntry): boolean {
  return (
    a.apiVersion === b.apiVersion &&
    a.kind === b.kind &&
    a.name === b.name &&
    a.namespace === b.namespace
  );
}

function unique(entries: InventoryEntry[]): InventoryEntry[] {
  return entries.filter((e, i) => entries.findIndex((x) => sameEntry(x, e)) === i);
}
