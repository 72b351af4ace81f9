// Every transition of a release (DESIGN §4) as a table: the stored state and
// what was observed, against the actions decided and the state they lead to.
// No cluster and no Git: the decision is pure.
import type { KubernetesObject } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { ClusterUnavailableError, RefNotFoundError, ValidationError } from "../errors.js";
import {
  ancestryQuestions,
  decideRelease,
  settleRelease,
  type Candidate,
  type ReleaseAction,
  type ReleaseObservation,
} from "./release-machine.js";
import type { ReleaseHistoryEntry, ReleaseState, ReleaseVersion } from "./release.js";
import type { ComponentHealth, NotReadyObject } from "../status/status.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);
const D = "d".repeat(40);
const alias = (commit: string) => commit[0]!.toUpperCase();

const t0 = Date.parse("2030-01-01T00:00:00.000Z");
const at = (seconds: number) => new Date(t0 + seconds * 1000);
const iso = (seconds: number) => at(seconds).toISOString();

function object(kind: string, name: string): KubernetesObject {
  const apiVersion =
    kind === "Deployment" ? "apps/v1" : kind === "Ingress" ? "networking.k8s.io/v1" : "v1";
  return { apiVersion, kind, metadata: { name, namespace: "ns" } };
}
/** A version's objects: a ConfigMap and a Deployment named after the commit. */
const versionObjects = (commit: string) => [
  object("ConfigMap", `web-${alias(commit)}`),
  object("Deployment", `web-${alias(commit)}`),
];
const frontObjects = [object("Service", "web"), object("Ingress", "shop-prod")];
const entries = (objects: KubernetesObject[]) =>
  objects.map((o) => ({
    apiVersion: o.apiVersion!,
    kind: o.kind!,
    name: o.metadata!.name!,
    namespace: "ns",
  }));

function version(commit: string, requestedAt = 0, activatedAt?: number): ReleaseVersion {
  return {
    releaseId: `prod-${alias(commit)}`,
    commit,
    ref: "tag/v*",
    requestTime: iso(requestedAt),
    ...(activatedAt !== undefined ? { activationTime: iso(activatedAt) } : {}),
    inventory: entries(versionObjects(commit)),
  };
}
function archived(commit: string, reason: ReleaseHistoryEntry["reason"]): ReleaseHistoryEntry {
  const { inventory: _inventory, ...rest } = version(commit);
  return { ...rest, archiveTime: iso(0), reason };
}
function stored(parts: Partial<ReleaseState>): ReleaseState {
  return {
    environment: "prod",
    ref: "tag/v*",
    history: [],
    front: parts.active ? entries(frontObjects) : [],
    retiring: [],
    routingSecret: true,
    ...parts,
  };
}

const ready: ComponentHealth[] = [
  { app: "store", component: "web", deployment: "web", state: "Ready", replicas: "2/2" },
];
const rolling: ComponentHealth[] = [{ ...ready[0]!, state: "Progressing", replicas: "0/2" }];
/** An object of the version beside its Deployments that is not ready (issue 15). */
const unboundClaim: NotReadyObject[] = [
  {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    name: "data",
    state: "Progressing",
    message: "PVC is not Bound. phase: Pending",
  },
];

interface Seen {
  commit?: string;
  error?: unknown;
  health?: ComponentHealth[];
  notReady?: NotReadyObject[];
  now?: number;
  olderThanActive?: boolean;
  olderThanPending?: boolean;
  front?: KubernetesObject[] | { error: unknown };
  active?: ReleaseObservation["active"];
  historyLimit?: number;
}
function observe(state: ReleaseState | undefined, seen: Seen): ReleaseObservation {
  const candidate: Candidate | { error: unknown } =
    seen.error !== undefined
      ? { error: seen.error }
      : {
          commit: seen.commit!,
          objects: versionObjects(seen.commit!),
          front: Array.isArray(seen.front)
            ? { objects: seen.front }
            : (seen.front ?? { objects: frontObjects }),
          health: seen.health ?? rolling,
          notReady: seen.notReady ?? [],
          ...(seen.olderThanActive !== undefined ? { olderThanActive: seen.olderThanActive } : {}),
          ...(seen.olderThanPending !== undefined
            ? { olderThanPending: seen.olderThanPending }
            : {}),
        };
  const active =
    seen.active ??
    (state?.active
      ? {
          objects: { objects: versionObjects(state.active.commit) },
          front: { objects: frontObjects },
        }
      : undefined);
  return {
    release: { environment: "prod", ref: "tag/v*" },
    policy: { activationDeadlineSeconds: 300, historyLimit: seen.historyLimit ?? 10 },
    now: at(seen.now ?? 10),
    candidate,
    ...(active ? { active } : {}),
    newReleaseId: "prod-new",
  };
}

/** A state, short: which commits are where, and why the last reconcile failed. */
function summary(state: ReleaseState) {
  return {
    active: state.active ? alias(state.active.commit) : "-",
    pending: state.pending ? alias(state.pending.commit) : "-",
    history: state.history.map((h) => `${alias(h.commit)} ${h.reason}`),
    retiring: state.retiring.map((e) => `${e.kind} ${e.name}`),
    ...(state.lastErrorCode ? { error: state.lastErrorCode } : {}),
  };
}
function describeAction(a: ReleaseAction): string {
  switch (a.type) {
    case "delete":
      return `delete ${a.entries.map((e) => `${e.kind} ${e.name}`).join(", ")}`;
    case "recordPending":
      return `record pending ${alias(a.state.pending!.commit)}`;
    case "ensureRoutingSecret":
      return "ensure routing Secret";
    case "apply":
      return `apply ${a.part}`;
    case "switchFront":
      return "switch front";
  }
}

type Summary = ReturnType<typeof summary>;
interface Case {
  name: string;
  stored: ReleaseState | undefined;
  seen: Seen;
  actions: string[];
  next: Partial<Summary>;
  /** The state when an action fails; by default the stored one. */
  ifFailed?: Partial<Summary>;
  /** Seconds after t0 (versions are requested at t0 + 0 unless new, and get 300 s). */
  requeueAt?: number;
}

const deadlineCode = "ActivationDeadlineExceeded";
const cases: Case[] = [
  {
    name: "first version, nothing active: recorded before it is applied",
    stored: undefined,
    seen: { commit: A },
    actions: ["record pending A", "ensure routing Secret", "apply pending"],
    next: { active: "-", pending: "A", history: [] },
    ifFailed: { active: "-", pending: "A" },
    requeueAt: 310,
  },
  {
    name: "first version Available: cut over with nothing to archive",
    stored: stored({ pending: version(A) }),
    seen: { commit: A, health: ready },
    actions: ["apply pending", "switch front"],
    next: { active: "A", pending: "-", history: [], retiring: [] },
    ifFailed: { active: "-", pending: "A" },
  },
  {
    name: "a new commit: recorded, then applied beside the active one",
    stored: stored({ active: version(A) }),
    seen: { commit: B },
    actions: ["record pending B", "apply active", "apply front", "apply pending"],
    next: { active: "A", pending: "B" },
    ifFailed: { active: "A", pending: "B" },
    requeueAt: 310,
  },
  {
    name: "pending, not Available yet: checked again at its deadline",
    stored: stored({ active: version(A), pending: version(B) }),
    seen: { commit: B, now: 100 },
    actions: ["apply active", "apply front", "apply pending"],
    next: { active: "A", pending: "B" },
    requeueAt: 300,
  },
  {
    name: "pending becomes Available: cut over in one apply, the old version archived Superseded",
    stored: stored({ active: version(A), pending: version(B) }),
    seen: { commit: B, health: ready, olderThanActive: false },
    actions: ["apply active", "apply pending", "switch front"],
    next: {
      active: "B",
      pending: "-",
      history: ["A Superseded"],
      retiring: ["ConfigMap web-A", "Deployment web-A"],
    },
    ifFailed: { active: "A", pending: "B", history: [] },
    requeueAt: 10, // at once: to delete what was archived
  },
  {
    name: "pending, Deployments Available but another object not ready: no cut-over yet",
    stored: stored({ active: version(A), pending: version(B) }),
    seen: { commit: B, health: ready, notReady: unboundClaim, now: 100 },
    actions: ["apply active", "apply front", "apply pending"],
    next: { active: "A", pending: "B" },
    requeueAt: 300,
  },
  {
    name: "deadline passed: PendingDeadlineExceeded, the active version keeps serving",
    stored: stored({ active: version(A), pending: version(B) }),
    seen: { commit: B, now: 300 },
    actions: ["apply active", "apply front"],
    next: {
      active: "A",
      pending: "-",
      history: ["B PendingDeadlineExceeded"],
      retiring: ["ConfigMap web-B", "Deployment web-B"],
    },
    ifFailed: { active: "A", pending: "B", history: [] },
    requeueAt: 300, // at once: to delete what was archived
  },
  {
    name: "deadline passed with nothing active: the release has nothing to serve",
    stored: stored({ pending: version(A) }),
    seen: { commit: A, now: 301 },
    actions: [],
    next: { active: "-", pending: "-", history: ["A PendingDeadlineExceeded"] },
    requeueAt: 301, // at once: to delete what was archived
  },
  {
    name: "a commit that missed its deadline is not tried again",
    stored: stored({ active: version(A), history: [archived(B, "PendingDeadlineExceeded")] }),
    seen: { commit: B },
    actions: ["apply active", "apply front"],
    next: {
      active: "A",
      pending: "-",
      history: ["B PendingDeadlineExceeded"],
      error: deadlineCode,
    },
    ifFailed: { active: "A", pending: "-", history: ["B PendingDeadlineExceeded"] },
  },
  {
    name: "the ref moves on from a commit that missed its deadline: the new one is tried",
    stored: stored({ active: version(A), history: [archived(B, "PendingDeadlineExceeded")] }),
    seen: { commit: C },
    actions: ["record pending C", "apply active", "apply front", "apply pending"],
    next: { active: "A", pending: "C", history: ["B PendingDeadlineExceeded"] },
    ifFailed: { active: "A", pending: "C" },
    requeueAt: 310,
  },
  {
    name: "the ref moves back to a failed commit while another is pending: that one goes",
    stored: stored({
      active: version(A),
      pending: version(C),
      history: [archived(B, "PendingDeadlineExceeded")],
    }),
    seen: { commit: B, olderThanPending: true },
    actions: ["apply active", "apply front"],
    next: {
      active: "A",
      pending: "-",
      history: ["C RolledBack", "B PendingDeadlineExceeded"],
      retiring: ["ConfigMap web-C", "Deployment web-C"],
      error: deadlineCode,
    },
    ifFailed: { pending: "-", history: ["C RolledBack", "B PendingDeadlineExceeded"] },
    requeueAt: 10, // at once: to delete what was archived
  },
  {
    name: "the ref moves while a version is pending: it is Superseded by the new one",
    stored: stored({ active: version(A), pending: version(B) }),
    seen: { commit: C, olderThanPending: false },
    actions: ["record pending C", "apply active", "apply front", "apply pending"],
    next: {
      active: "A",
      pending: "C",
      history: ["B Superseded"],
      retiring: ["ConfigMap web-B", "Deployment web-B"],
    },
    ifFailed: { active: "A", pending: "C", history: ["B Superseded"] },
    requeueAt: 10, // at once: to delete what was archived
  },
  {
    name: "the ref moves back behind the pending version: it is RolledBack",
    stored: stored({ active: version(A), pending: version(C) }),
    seen: { commit: B, olderThanPending: true },
    actions: ["record pending B", "apply active", "apply front", "apply pending"],
    next: { active: "A", pending: "B", history: ["C RolledBack"] },
    ifFailed: { active: "A", pending: "B", history: ["C RolledBack"] },
    requeueAt: 10, // at once: to delete what was archived
  },
  {
    name: "the ref moves back to the active commit while a version is pending: RolledBack",
    stored: stored({ active: version(A), pending: version(B) }),
    seen: { commit: A },
    actions: ["apply active", "apply front"],
    next: {
      active: "A",
      pending: "-",
      history: ["B RolledBack"],
      retiring: ["ConfigMap web-B", "Deployment web-B"],
    },
    ifFailed: { active: "A", pending: "-", history: ["B RolledBack"] },
    requeueAt: 10, // at once: to delete what was archived
  },
  {
    name: "the ref moves back to an older commit: once Available, the newer one is RolledBack",
    stored: stored({
      active: version(B),
      pending: version(A),
      history: [archived(A, "Superseded")],
    }),
    seen: { commit: A, health: ready, olderThanActive: true },
    actions: ["apply active", "apply pending", "switch front"],
    next: { active: "A", pending: "-", history: ["B RolledBack", "A Superseded"] },
    requeueAt: 10, // at once: to delete what was archived
  },
  {
    name: "history is trimmed to historyLimit, newest first",
    stored: stored({
      active: version(B),
      pending: version(C),
      history: [archived(A, "Superseded"), archived(D, "Superseded")],
    }),
    seen: { commit: C, health: ready, olderThanActive: false, historyLimit: 2 },
    actions: ["apply active", "apply pending", "switch front"],
    next: { active: "C", history: ["B Superseded", "A Superseded"] },
    requeueAt: 10, // at once: to delete what was archived
  },
  {
    name: "steady: the active version and the front kept as they should be",
    stored: stored({ active: version(A) }),
    seen: { commit: A },
    actions: ["apply active", "apply front"],
    next: { active: "A", pending: "-", history: [], retiring: [] },
  },
  {
    name: "the routing Secret is made when it never was",
    stored: stored({ active: version(A), routingSecret: false }),
    seen: { commit: A },
    actions: ["ensure routing Secret", "apply active", "apply front"],
    next: { active: "A" },
  },
  {
    name: "an invalid tree: the error is reported, the active version keeps serving",
    stored: stored({ active: version(A) }),
    seen: {
      error: new ValidationError([{ file: "apps/x/app.yaml", line: 3, col: 5, message: "no" }]),
    },
    actions: [],
    next: { active: "A", pending: "-", error: "ValidationFailed" },
  },
  {
    name: "a ref that does not resolve: the pending version stays as it is",
    stored: stored({ active: version(A), pending: version(B) }),
    seen: { error: new RefNotFoundError("tag/v*", "no tag matches") },
    actions: [],
    next: { active: "A", pending: "B", error: "RefNotFound" },
  },
  {
    name: "the active version no longer renders: the new one is recorded, nothing applied",
    stored: stored({ active: version(A) }),
    seen: {
      commit: B,
      active: { objects: { error: new ValidationError([]) }, front: { objects: frontObjects } },
    },
    actions: ["record pending B"],
    next: { active: "A", pending: "B", error: "ValidationFailed" },
    ifFailed: { active: "A", pending: "B" },
  },
  {
    name: "the front does not render at cut-over: nothing is cut over half-way",
    stored: stored({ active: version(A), pending: version(B) }),
    seen: { commit: B, health: ready, front: { error: new ValidationError([]) } },
    actions: ["apply active", "apply front", "apply pending"],
    next: { active: "A", pending: "B", history: [], error: "ValidationFailed" },
  },
  {
    name: "the front's objects no longer wanted retire at cut-over",
    stored: stored({
      active: version(A),
      pending: version(B),
      front: entries([...frontObjects, object("Service", "old")]),
    }),
    seen: { commit: B, health: ready, olderThanActive: false },
    actions: ["apply active", "apply pending", "switch front"],
    next: {
      active: "B",
      retiring: ["ConfigMap web-A", "Deployment web-A", "Service old"],
    },
    requeueAt: 10, // at once: to delete what was archived
  },
  {
    name: "what an earlier reconcile archived is deleted first; what is wanted again is spared",
    stored: stored({
      active: version(A),
      retiring: entries([...versionObjects(B), object("Service", "old")]),
    }),
    seen: { commit: B },
    actions: [
      "delete Service old",
      "record pending B",
      "apply active",
      "apply front",
      "apply pending",
    ],
    next: { active: "A", pending: "B", retiring: [] },
    ifFailed: { active: "A", pending: "B", retiring: [] },
    requeueAt: 310,
  },
];

describe("decideRelease", () => {
  it.each(cases)("$name", (c) => {
    const decision = decideRelease(c.stored, observe(c.stored, c.seen));
    expect(decision.actions.map(describeAction)).toEqual(c.actions);
    expect(summary(decision.next)).toMatchObject(c.next);
    if (!c.next.error) expect(decision.next.lastErrorCode).toBeUndefined();
    if (c.ifFailed || c.stored)
      expect(summary(decision.ifFailed)).toMatchObject(c.ifFailed ?? summary(c.stored!));
    expect(decision.requeueAtMs).toBe(
      c.requeueAt === undefined ? undefined : t0 + c.requeueAt * 1000,
    );
  });

  // The state is read back from the status ConfigMap after a restart: as JSON, nothing else.
  it.each(cases)("after a restart, decides the same: $name", (c) => {
    const readBack = c.stored && (JSON.parse(JSON.stringify(c.stored)) as ReleaseState);
    const before = decideRelease(c.stored, observe(c.stored, c.seen));
    const after = decideRelease(readBack, observe(readBack, c.seen));
    expect(JSON.parse(JSON.stringify(after))).toEqual(JSON.parse(JSON.stringify(before)));
  });

  it("records the pending version with its inventory, request time and a new id", () => {
    const before = stored({ active: version(A) });
    const decision = decideRelease(before, observe(before, { commit: B, now: 5 }));
    const record = decision.actions.find((a) => a.type === "recordPending");
    expect(record?.type === "recordPending" && record.state.pending).toEqual({
      releaseId: "prod-new",
      commit: B,
      ref: "tag/v*",
      requestTime: iso(5),
      inventory: entries(versionObjects(B)),
    });
  });

  it("stamps the activation and archive times and names the refused commit", () => {
    const before = stored({ active: version(A), pending: version(B) });
    const cut = decideRelease(
      before,
      observe(before, { commit: B, health: ready, olderThanActive: false, now: 42 }),
    );
    expect(cut.next.active?.activationTime).toBe(iso(42));
    expect(cut.next.history[0]?.archiveTime).toBe(iso(42));
    expect(cut.next.front).toEqual(entries(frontObjects));

    const refused = decideRelease(
      stored({ active: version(A), history: [archived(B, "PendingDeadlineExceeded")] }),
      observe(stored({ active: version(A) }), { commit: B }),
    );
    expect(refused.next.lastError).toBe(
      `tag/v* (${B.slice(0, 12)}) was not Available within 300s at ${iso(0)}; push a new commit to try again`,
    );
  });
});

describe("settleRelease", () => {
  const decision = decideRelease(
    stored({
      active: version(A),
      routingSecret: false,
      retiring: entries([object("Service", "old")]),
    }),
    observe(stored({ active: version(A) }), { commit: B }),
  );

  it("takes the next state when every action succeeded, keeping what failed to delete", () => {
    const state = settleRelease(decision, {
      routingSecretMade: true,
      undeleted: entries([object("Service", "old")]),
    });
    expect(summary(state)).toEqual({
      active: "A",
      pending: "B",
      history: [],
      retiring: ["Service old"],
    });
    expect(state.routingSecret).toBe(true);
  });

  it("keeps the recorded state and the typed error when an action fails", () => {
    const state = settleRelease(decision, {
      failed: { error: new ClusterUnavailableError("apply Deployment web-B: connection refused") },
      routingSecretMade: false,
      undeleted: [],
    });
    expect(summary(state)).toEqual({
      active: "A",
      pending: "B",
      history: [],
      retiring: [],
      error: "ClusterUnavailable",
    });
    expect(state.routingSecret).toBe(false);
    expect(state.lastError).toBe("apply Deployment web-B: connection refused");
  });

  it("reports an error without a code as Internal", () => {
    const state = settleRelease(decision, {
      failed: { error: new Error("boom") },
      routingSecretMade: true,
      undeleted: [],
    });
    expect(state.lastErrorCode).toBe("Internal");
    expect(state.routingSecret).toBe(true);
  });
});

describe("ancestryQuestions", () => {
  it.each([
    { name: "nothing stored", state: undefined, commit: A, health: ready, ask: [false, false] },
    {
      name: "steady",
      state: stored({ active: version(A) }),
      commit: A,
      health: ready,
      ask: [false, false],
    },
    {
      name: "new commit, not Available",
      state: stored({ active: version(A) }),
      commit: B,
      health: rolling,
      ask: [false, false],
    },
    {
      name: "new commit, Available",
      state: stored({ active: version(A) }),
      commit: B,
      health: ready,
      ask: [true, false],
    },
    {
      name: "pending, Available",
      state: stored({ active: version(A), pending: version(B) }),
      commit: B,
      health: ready,
      ask: [true, false],
    },
    {
      name: "moved while pending",
      state: stored({ active: version(A), pending: version(B) }),
      commit: C,
      health: rolling,
      ask: [false, true],
    },
    {
      name: "back to active while pending",
      state: stored({ active: version(A), pending: version(B) }),
      commit: A,
      health: ready,
      ask: [false, false],
    },
  ])("$name", ({ state, commit, health, ask }) => {
    const q = ancestryQuestions(state, { commit, health, notReady: [] });
    expect([q.ofActive, q.ofPending]).toEqual(ask);
  });
});

describe("a release's life, stored as JSON between every step (a restart at each)", () => {
  it("goes from first version to cut-over to deadline to rollback", () => {
    let state: ReleaseState | undefined;
    const step = (seen: Seen, outcome = { routingSecretMade: true, undeleted: [] }) => {
      const decision = decideRelease(state, observe(state, seen));
      state = JSON.parse(JSON.stringify(settleRelease(decision, outcome))) as ReleaseState;
      return decision;
    };
    step({ commit: A, now: 0 });
    step({ commit: A, now: 20, health: ready });
    expect(summary(state!)).toMatchObject({ active: "A", pending: "-" });
    step({ commit: B, now: 30 });
    step({ commit: B, now: 400 });
    expect(summary(state!)).toMatchObject({
      active: "A",
      history: ["B PendingDeadlineExceeded"],
      retiring: ["ConfigMap web-B", "Deployment web-B"],
    });
    const next = step({ commit: B, now: 401 });
    expect(next.actions.map(describeAction)[0]).toBe("delete ConfigMap web-B, Deployment web-B");
    expect(state!.lastErrorCode).toBe(deadlineCode);
    step({ commit: C, now: 500 });
    step({ commit: C, now: 510, health: ready, olderThanActive: false });
    expect(summary(state!)).toMatchObject({
      active: "C",
      history: ["A Superseded", "B PendingDeadlineExceeded"],
    });
    step({ commit: A, now: 600 });
    step({ commit: A, now: 610, health: ready, olderThanActive: true });
    expect(summary(state!)).toMatchObject({
      active: "A",
      history: ["C RolledBack", "A Superseded", "B PendingDeadlineExceeded"],
    });
    expect(state!.lastError).toBeUndefined();
  });
});
