// The release lifecycle (DESIGN §4), one environment of one platform per call.
// A release has at most one active and one pending version. When its ref moves
// to a new commit, the new version is applied beside the active one (pending);
// when every Deployment of it is Available, the environment's Services and
// Ingress switch to it in one apply and the old version is archived and removed;
// if it is not Available by the deadline it is archived and removed instead, and
// the active version never stops serving. The state lives in the cluster (the
// platform's status ConfigMap): a pending version is recorded before any of its
// objects is applied, so a controller killed at any point finds every object it
// may have made on the next start.
import { randomBytes } from "node:crypto";
import type { KubernetesObject, V1Secret } from "@kubernetes/client-node";
import { labels, managedByValue } from "../cluster/labels.js";
import { describeError, KubefoxError, ValidationError } from "../errors.js";
import type { EnvironmentDoc } from "../../schemas/environment.js";
import {
  renderReleaseFront,
  renderReleaseVersion,
  routingSecretName,
  type ReleaseTarget,
} from "../render/release.js";
import type { PlatformTarget } from "../render/input.js";
import { applyAll } from "./apply.js";
import { environmentContext, requireEnvironment } from "./environment.js";
import { componentHealth } from "./health.js";
import type { PlatformInput } from "./platform.js";
import { prune } from "./prune.js";
import { worst, type ComponentHealth, type InventoryEntry, type State } from "./status.js";
import { atCommit } from "./systems.js";

/** Why a version left a release. */
export type ArchiveReason =
  /** A newer version became active. */
  | "Superseded"
  /** It was not Available within releasePolicy.activationDeadlineSeconds. */
  | "PendingDeadlineExceeded"
  /** The ref moved back to an older commit. */
  | "RolledBack";

export interface ReleaseVersion {
  releaseId: string;
  commit: string;
  ref: string;
  requestTime: string;
  activationTime?: string;
  /** Its Deployments and ConfigMaps. */
  inventory: InventoryEntry[];
}

export interface ReleaseHistoryEntry {
  releaseId: string;
  commit: string;
  ref: string;
  requestTime: string;
  activationTime?: string;
  archiveTime: string;
  reason: ArchiveReason;
}

/** What is kept in the cluster per environment. */
export interface ReleaseState {
  environment: string;
  ref: string;
  active?: ReleaseVersion;
  pending?: ReleaseVersion;
  /** Newest first, at most releasePolicy.historyLimit. */
  history: ReleaseHistoryEntry[];
  /** The environment's Services and Ingress, as last applied. */
  front: InventoryEntry[];
  /** Objects of archived versions not yet deleted. */
  retiring: InventoryEntry[];
  /** The `<env>-routing` Secret was made (it is never read back: see ensureRoutingSecret). */
  routingSecret?: boolean;
  lastError?: string;
  lastErrorCode?: string;
}

export interface ReleaseStatus extends ReleaseState {
  /** Pending while nothing is active yet; Progressing while a version is pending; else the active version's health. */
  state: State;
  /** Health of the active version's components (and the pending one's, when there is one). */
  components: ComponentHealth[];
  pendingComponents: ComponentHealth[];
  /** When a pending version must be Available by. */
  deadline?: string;
}

export interface ReleaseResult {
  state: ReleaseState;
  status: ReleaseStatus;
  /** Check again then (the pending version's deadline), even if nothing else happens. */
  requeueAtMs?: number;
}

export interface ReleaseContext {
  input: PlatformInput;
  platform: PlatformTarget;
  /** Writes the platform's stored status now, with this release's state in it. */
  persist: (state: ReleaseState) => Promise<void>;
  /** Is `older` an ancestor of `newer`? */
  isAncestor: (older: string, newer: string) => Promise<boolean>;
  now: () => Date;
}

export async function reconcileRelease(
  ctx: ReleaseContext,
  release: { environment: string; ref: string },
  previous: ReleaseState | undefined,
): Promise<ReleaseResult> {
  const { input } = ctx;
  const state: ReleaseState = previous
    ? { ...structuredClone(previous), ref: release.ref }
    : { environment: release.environment, ref: release.ref, history: [], front: [], retiring: [] };
  const env = input.control.environments[release.environment];
  let requeueAtMs: number | undefined;
  try {
    if (!env)
      throw new ValidationError([
        {
          file: `environments/${release.environment}.yaml`,
          line: 1,
          col: 1,
          message: `environment ${release.environment} does not exist`,
        },
      ]);
    const target: ReleaseTarget = {
      ref: release.ref,
      environment: environmentContext(input.control, release.environment),
      hostNames: env.spec.hostNames,
    };

    // 1. Resolve the ref and render that version; a bad version is never recorded.
    const commit = await input.resolveRef(release.ref);
    const version = await renderVersion(ctx, commit, target);

    // 2. A new commit: the pending version it replaces is archived, and the new one recorded before it is applied.
    // A commit that already missed its deadline is not tried again until the ref moves on.
    const failedBefore = state.history.find(
      (h) => h.commit === commit && h.reason === "PendingDeadlineExceeded",
    );
    if (failedBefore && commit !== state.active?.commit && commit !== state.pending?.commit) {
      state.pending = undefined;
      await keepActive(ctx, state, target);
      throw new DeadlineError(
        `${release.ref} (${commit.slice(0, 12)}) was not Available within ` +
          `${policy(env).activationDeadlineSeconds}s at ${failedBefore.archiveTime}; push a new commit to try again`,
      );
    }
    if (commit !== state.active?.commit && commit !== state.pending?.commit) {
      if (state.pending) {
        const reason = (await ctx.isAncestor(commit, state.pending.commit))
          ? "RolledBack"
          : "Superseded";
        archive(ctx, state, state.pending, reason, env);
        state.pending = undefined;
      }
      state.pending = {
        releaseId: `${release.environment}-${randomBytes(4).toString("hex")}`,
        commit,
        ref: release.ref,
        requestTime: ctx.now().toISOString(),
        inventory: version.objects.map(entryOf),
      };
      await ctx.persist(state);
    } else if (commit === state.active?.commit && state.pending) {
      // The ref moved back to what is active: the pending version is rolled back.
      archive(ctx, state, state.pending, "RolledBack", env);
      state.pending = undefined;
      await ctx.persist(state);
    }

    // 3. Keep the active version and the front as they should be (drift), and the pending one applied.
    await keepActive(ctx, state, target);
    if (state.pending) {
      await applyOrThrow(ctx, version.objects);

      // 4. Cut over when every Deployment of the pending version is Available; give up at the deadline.
      const pendingHealth = health(ctx, state.pending);
      const deadline =
        Date.parse(state.pending.requestTime) + policy(env).activationDeadlineSeconds * 1000;
      if (pendingHealth.every((c) => c.state === "Ready")) {
        const front = await renderFront(ctx, state.pending.commit, target);
        await applyOrThrow(ctx, front);
        const outgoing = state.active;
        state.active = { ...state.pending, activationTime: ctx.now().toISOString() };
        state.pending = undefined;
        if (outgoing) {
          const reason = (await ctx.isAncestor(state.active.commit, outgoing.commit))
            ? "RolledBack"
            : "Superseded";
          archive(ctx, state, outgoing, reason, env);
        }
        const frontNow = front.map(entryOf);
        const stale = state.front.filter((e) => !frontNow.some((f) => sameEntry(f, e)));
        state.retiring.push(...stale);
        state.front = frontNow;
        await ctx.persist(state);
      } else if (ctx.now().getTime() >= deadline) {
        archive(ctx, state, state.pending, "PendingDeadlineExceeded", env);
        state.pending = undefined;
        await ctx.persist(state);
      } else {
        requeueAtMs = deadline;
      }
    }
    delete state.lastError;
    delete state.lastErrorCode;
  } catch (err) {
    state.lastError = describeError(err);
    state.lastErrorCode = err instanceof KubefoxError ? err.code : "Internal";
  }

  // 5. Remove what archived versions left behind (only objects that are still ours).
  if (state.retiring.length > 0) {
    const result = await prune(input.client, input.cache, input.name, state.retiring);
    state.retiring = result.failed;
  }
  return { state, status: statusOf(ctx, state, env), ...(requeueAtMs ? { requeueAtMs } : {}) };
}

/** A release no longer in the platform file: every object of it goes (but not its routing Secret). */
export async function removeRelease(
  ctx: ReleaseContext,
  state: ReleaseState,
): Promise<InventoryEntry[]> {
  const all = [
    ...(state.active?.inventory ?? []),
    ...(state.pending?.inventory ?? []),
    ...state.front,
    ...state.retiring,
  ];
  const result = await prune(ctx.input.client, ctx.input.cache, ctx.input.name, all);
  return result.failed;
}

/** The routing Secret, the active version and the front as they should be (undoing drift). */
async function keepActive(
  ctx: ReleaseContext,
  state: ReleaseState,
  target: ReleaseTarget,
): Promise<void> {
  await ensureRoutingSecret(ctx, state);
  if (!state.active) return;
  const active = await renderVersion(ctx, state.active.commit, target);
  await applyOrThrow(ctx, active.objects);
  await applyOrThrow(ctx, await renderFront(ctx, state.active.commit, target));
}

/** A release whose ref points at a commit that already failed: waits for a new commit. */
class DeadlineError extends KubefoxError {
  readonly code = "ActivationDeadlineExceeded";
  readonly retry = "never";
}

async function renderVersion(ctx: ReleaseContext, commit: string, target: ReleaseTarget) {
  const loaded = await ctx.input.systems.get(commit);
  if (loaded.ok) requireEnvironment(loaded.model, target.environment);
  const system = await loadAt(ctx, commit);
  const rendered = renderReleaseVersion(system, ctx.platform, target);
  if (rendered.problems.length > 0) throw new ValidationError(rendered.problems.map(asProblem));
  return rendered;
}

async function renderFront(
  ctx: ReleaseContext,
  commit: string,
  target: ReleaseTarget,
): Promise<KubernetesObject[]> {
  const rendered = renderReleaseFront(await loadAt(ctx, commit), ctx.platform, target);
  if (rendered.problems.length > 0) throw new ValidationError(rendered.problems.map(asProblem));
  return rendered.objects;
}

async function loadAt(ctx: ReleaseContext, commit: string) {
  const loaded = await ctx.input.systems.get(commit);
  if (!loaded.ok) throw new ValidationError(loaded.problems);
  return atCommit(loaded.model, commit);
}

/** "apps/x/app.yaml: message" as a Problem at the file's start (the model keeps no positions past loading). */
function asProblem(text: string) {
  const colon = text.indexOf(": ");
  return colon > 0 && text.slice(0, colon).endsWith(".yaml")
    ? { file: text.slice(0, colon), line: 1, col: 1, message: text.slice(colon + 2) }
    : { file: ".", line: 1, col: 1, message: text };
}

async function applyOrThrow(ctx: ReleaseContext, objects: KubernetesObject[]): Promise<void> {
  const result = await applyAll(ctx.input.client, ctx.input.cache, objects);
  const problems = [...result.errors, ...result.conflicts];
  if (problems.length > 0)
    throw new Error(problems.map((e) => `${e.kind} ${e.name}: ${e.message}`).join("; "));
}

function archive(
  ctx: ReleaseContext,
  state: ReleaseState,
  version: ReleaseVersion,
  reason: ArchiveReason,
  env: EnvironmentDoc | undefined,
): void {
  const { inventory, ...rest } = version;
  state.history.unshift({ ...rest, archiveTime: ctx.now().toISOString(), reason });
  state.history = state.history.slice(0, policy(env).historyLimit);
  state.retiring.push(...inventory);
}

function policy(env: EnvironmentDoc | undefined) {
  return {
    activationDeadlineSeconds: env?.spec.releasePolicy.activationDeadlineSeconds ?? 300,
    historyLimit: env?.spec.releasePolicy.historyLimit ?? 10,
  };
}

function health(ctx: ReleaseContext, version: ReleaseVersion): ComponentHealth[] {
  return componentHealth(ctx.input.cache, version.inventory);
}

function statusOf(
  ctx: ReleaseContext,
  state: ReleaseState,
  env: EnvironmentDoc | undefined,
): ReleaseStatus {
  const components = state.active ? health(ctx, state.active) : [];
  const pendingComponents = state.pending ? health(ctx, state.pending) : [];
  const neverActive =
    !state.active &&
    (state.lastError !== undefined || state.history[0]?.reason === "PendingDeadlineExceeded");
  const s: State = state.pending
    ? "Progressing"
    : state.active
      ? worst(components.map((c) => c.state))
      : neverActive
        ? "Failed"
        : "Pending";
  return {
    ...state,
    state: s,
    components,
    pendingComponents,
    ...(state.pending
      ? {
          deadline: new Date(
            Date.parse(state.pending.requestTime) + policy(env).activationDeadlineSeconds * 1000,
          ).toISOString(),
        }
      : {}),
  };
}

/**
 * One `<env>-routing` Secret per environment: 256 random bits per key, made once,
 * never regenerated. The release state records that it was made, so the controller
 * never reads a Secret (its ClusterRole may only create them): a create that finds
 * it there already (409) means the same as one that made it.
 */
async function ensureRoutingSecret(ctx: ReleaseContext, state: ReleaseState): Promise<void> {
  if (state.routingSecret) return;
  const environment = state.environment;
  const ref = { name: routingSecretName(environment), namespace: ctx.platform.namespace };
  const key = () => randomBytes(32).toString("base64");
  const secret: V1Secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: ref.name,
      namespace: ref.namespace,
      labels: {
        [labels.managedBy]: managedByValue,
        [labels.platform]: ctx.platform.name,
        [labels.environment]: environment,
        [labels.owner]: "routing",
      },
    },
    type: "Opaque",
    stringData: { "public-api-key": key(), "private-api-key": key() },
  };
  await ctx.input.client.createIfMissing(secret);
  state.routingSecret = true;
}

function entryOf(obj: KubernetesObject): InventoryEntry {
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
