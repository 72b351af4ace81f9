// Runs one platform's reconciles, one at a time, each against the newest state
// its repository has read from Git. Every platform has its own queue, so a slow
// or unreachable cluster holds up only the platforms on it; drift on a cluster
// wakes only the platform it belongs to. A replica that does not hold the
// leader Lease (issue 7) never reconciles: it reads the status the leader keeps
// in the cluster, so it can answer the status API without writing anything.
import type { Bus } from "../status/bus.js";
import type { Cluster, ClusterPool } from "../cluster/pool.js";
import type { ClusterClient } from "../cluster/client.js";
import { describeError, errorCode, retryable } from "../errors.js";
import type { Logger } from "../log.js";
import type { ControlModel } from "../model/load-control.js";
import type { PlatformDoc } from "../../schemas/platform.js";
import { inventoryHealth, watchKinds } from "../reconcile/health.js";
import { reconcilePlatform } from "../reconcile/platform.js";
import { releasePolicy, versionInventory, type ReleaseState } from "../reconcile/release.js";
import { releaseStatus } from "../reconcile/release-status.js";
import type { InventoryEntry, PlatformStatus, ReleaseStatus } from "../status/status.js";
import { loadStatus, type StoredStatus } from "../status/store.js";
import { listUnmanaged } from "../reconcile/unmanaged.js";
import type { SystemCache } from "../reconcile/systems.js";
import { RenderMemo } from "../reconcile/deployment-memo.js";
import { ReleaseMemo } from "../reconcile/release-memo.js";
import { resolveRef } from "../source/refs.js";
import type { GitSource, RefMap } from "../source/types.js";
import { SyncQueue } from "./queue.js";
import { refreshDelayMs, unmanagedDue } from "./unmanaged-refresh.js";

/** What a repository sync read from Git, handed to its platforms. */
export interface Snapshot {
  /** Increases with every repository sync that read Git. */
  seq: number;
  refs: RefMap;
  /** The control branch's commit the control model was read from. */
  controlId: string;
  control: ControlModel;
  /** False after a fetch error or with an invalid control branch. */
  allowPrune: boolean;
  systemName: string;
  source: GitSource;
  systems: SystemCache;
}

/** Which platforms this replica may write (sharding, issue 17). */
export interface PlatformOwner {
  owns(platform: string): boolean;
}

export interface RunnerDeps {
  repo: string;
  /** With sharding: the platform writes only while this says so; without, the cluster's guard alone. */
  owner?: PlatformOwner;
  clusters: ClusterPool;
  bus: Bus;
  log: Logger;
  snapshot: () => Snapshot | undefined;
}

export class PlatformRunner {
  readonly queue: SyncQueue;
  status: PlatformStatus | undefined;
  /** True once a reconcile has run (whatever its outcome). */
  ran = false;
  private stored: StoredStatus | undefined;
  private loaded = false;
  /** When this platform's reconcile last listed the objects we did not create. */
  private unmanagedListedAt: number | undefined;
  /** Set by the refresh timer: the next run lists them (unmanaged-refresh.ts). */
  private unmanagedWanted = false;
  private unmanagedTimer: NodeJS.Timeout | undefined;
  private requeueTimer: NodeJS.Timeout | undefined;
  private requeueAtMs = Infinity;
  /** Syncs in a row that found the cluster unavailable: the next retry waits longer. */
  private unavailableRuns = 0;
  /** What each deployment and release rendered and found last time (issue 17); forgotten when not leading. */
  private readonly memo = new RenderMemo();
  private readonly releaseMemo = new ReleaseMemo();
  /** This platform's view of each cluster's client (with sharding, guarded by its shard). */
  private readonly guardedClients = new WeakMap<ClusterClient, ClusterClient>();
  /** The stored status last followed, to tell a change by its owner (for the events stream). */
  private followedText: string | undefined;
  /** The cluster whose cache holds this platform's objects for it (sharding). */
  private heldIn: Cluster | undefined;
  /** The inputs of the last run that ended clean (see inputsChanged); none after a failure. */
  private cleanInputs: string | undefined;

  constructor(
    readonly name: string,
    private readonly deps: RunnerDeps,
  ) {
    this.queue = new SyncQueue(() => this.run());
  }

  request(reason: string): void {
    this.queue.request({ fetch: false, reason });
  }

  /**
   * Would a reconcile against `snapshot` read anything the last clean one did not?
   * Its inputs are the control branch's commit (the platform file, environments and
   * configs), whether pruning is allowed, the commit each of its refs resolves to
   * (or why none does), and whether this replica writes it. A run that failed
   * anywhere (a deployment Failed, a release with an error, a conflict) left no
   * inputs behind, so the next sync tries it again.
   */
  async inputsChanged(snapshot: Snapshot): Promise<boolean> {
    return (await this.inputsOf(snapshot)) !== this.cleanInputs;
  }

  private async inputsOf(snapshot: Snapshot): Promise<string | undefined> {
    const doc = snapshot.control.platforms[this.name];
    if (!doc) return undefined;
    const refs = [
      ...doc.spec.deployments.map((d) => d.ref),
      ...doc.spec.releases.map((r) => r.ref),
    ];
    const resolved = await Promise.all(
      refs.map((ref) =>
        resolveRef(ref, snapshot.refs, (p) => snapshot.source.findCommits(p)).then(
          (r) => r.id,
          (err: unknown) => `unresolved: ${describeError(err)}`,
        ),
      ),
    );
    const writes = this.deps.owner?.owns(this.name) ?? true;
    return JSON.stringify([snapshot.controlId, snapshot.allowPrune, writes, refs, resolved]);
  }

  async close(): Promise<void> {
    clearTimeout(this.requeueTimer);
    clearTimeout(this.unmanagedTimer);
    await this.queue.close();
    this.heldIn?.cache.exclude(this.name);
  }

  private async run(): Promise<void> {
    const snapshot = this.deps.snapshot();
    const doc = snapshot?.control.platforms[this.name];
    if (!snapshot || !doc) return;
    const { source, refs } = snapshot;
    const inputs = await this.inputsOf(snapshot);
    this.cleanInputs = undefined;
    try {
      const cluster = this.deps.clusters.get(doc.spec.cluster?.context);
      const client = this.clientOf(cluster);
      if (!client.mayWrite()) {
        await this.follow(cluster, doc, snapshot);
        this.cleanInputs = inputs;
        return;
      }
      this.followedText = undefined;
      // Sharded, the cache holds the platforms this replica owns: this one's objects first.
      if (this.heldIn !== cluster) this.heldIn?.cache.exclude(this.name);
      this.heldIn = cluster;
      await cluster.cache.include(this.name);
      if (!this.loaded) {
        // After a restart, what the last run applied is read back from the cluster.
        this.stored = await loadStatus(cluster.client, cluster.cache, doc.spec.namespace);
        this.loaded = true;
      }
      const started = Date.now();
      const writesBefore = client.writes;
      const result = await reconcilePlatform({
        name: this.name,
        system: snapshot.systemName,
        doc,
        control: snapshot.control,
        resolveRef: async (ref) => (await resolveRef(ref, refs, (p) => source.findCommits(p))).id,
        isAncestor: async (older, newer) =>
          (await source.log(newer, 10_000)).some((c) => c.id === older),
        systems: snapshot.systems,
        client,
        cache: cluster.cache,
        previous: this.stored,
        allowPrune: snapshot.allowPrune,
        // Listing every kind of a namespace is for new inputs (the reconcile sees those) or
        // once a minute, not for every drift or every fetch.
        listUnmanaged: this.takeUnmanagedTurn(),
        unmanaged: this.status?.unmanaged ?? [],
        log: this.deps.log,
        memo: this.memo,
        releaseMemo: this.releaseMemo,
      });
      if (isClean(result.status) && !client.unavailable) this.cleanInputs = inputs;
      if (result.listedUnmanaged) this.unmanagedListedAt = started;
      this.scheduleUnmanagedRefresh();
      this.stored = result.stored;
      this.status = result.status;
      if (result.requeueAtMs) this.requeueAt(result.requeueAtMs, "release deadline");
      this.retryIfUnavailable(client.unavailable || mentionsUnavailable(result.status));
      const event = {
        repo: this.deps.repo,
        platform: result.status,
        writes: client.writes - writesBefore,
        ms: Date.now() - started,
        ...result.work,
      };
      this.deps.log.debug("platform reconciled", {
        platform: this.name,
        ms: event.ms,
        writes: event.writes,
        ...result.work,
      });
      this.deps.bus.emit("platform", event);
    } catch (err) {
      const message = describeError(err);
      this.retryIfUnavailable(retryable(err));
      this.deps.log.error("platform sync failed", {
        platform: this.name,
        error: message,
        code: errorCode(err),
      });
      this.status = {
        ...(this.status ?? {
          name: this.name,
          system: snapshot.systemName,
          namespace: doc.spec.namespace,
          cluster: doc.spec.cluster?.context ?? "",
          deployments: [],
          releases: [],
          unmanaged: [],
        }),
        lastError: message,
        lastSyncTime: new Date().toISOString(),
      };
    } finally {
      this.ran = true;
    }
  }

  /**
   * The client this platform writes through: a view of the cluster's own, so
   * that its write count is this platform's alone (platforms of one cluster
   * reconcile at once); with sharding, guarded by its shard's Lease too.
   */
  private clientOf(cluster: Cluster): ClusterClient {
    const owner = this.deps.owner;
    let client = this.guardedClients.get(cluster.client);
    if (!client) {
      client = cluster.client.guarded(() => owner?.owns(this.name) ?? true);
      this.guardedClients.set(cluster.client, client);
    }
    return client;
  }

  /**
   * A follower's turn: the status the leader last stored, with each release's
   * health read from the watch cache. Reads only. What it read is forgotten
   * when it leads again: the leader may have changed it since.
   */
  private async follow(cluster: Cluster, doc: PlatformDoc, snapshot: Snapshot): Promise<void> {
    const namespace = doc.spec.namespace;
    this.heldIn?.cache.exclude(this.name);
    this.heldIn = undefined;
    this.loaded = false;
    this.stored = undefined;
    this.memo.clear();
    this.releaseMemo.clear();
    const started = Date.now();
    const stored = await loadStatus(cluster.client, cluster.cache, namespace);
    await watchKinds(
      cluster.cache,
      Object.values(stored?.releases ?? {}).flatMap(versionInventory),
    );
    const health = (inventory: InventoryEntry[]) => inventoryHealth(cluster.cache, inventory);
    // Each release's health as its owner stored it: sharded, this replica does not watch
    // the platform's objects. From the cache only when the owner stored none (older ones).
    const release = (state: ReleaseState): ReleaseStatus => {
      const seen = stored?.releaseHealth?.[state.environment];
      if (seen) return { ...state, ...seen };
      return releaseStatus(
        state,
        releasePolicy(snapshot.control.environments[state.environment]),
        health,
      );
    };
    // Listed as the owner lists it: when its status changed (a deployment rendered anew
    // there, most often), or when the refresh timer says so.
    const text = JSON.stringify(stored ?? null);
    const turn = this.takeUnmanagedTurn();
    const unmanaged =
      turn || text !== this.followedText
        ? await listUnmanaged(cluster.client, namespace)
        : (this.status?.unmanaged ?? []);
    if (unmanaged !== this.status?.unmanaged) this.unmanagedListedAt = started;
    this.scheduleUnmanagedRefresh();
    this.status = {
      name: this.name,
      system: stored?.system || snapshot.systemName,
      namespace,
      cluster: doc.spec.cluster?.context ?? "",
      deployments: stored?.deployments ?? [],
      releases: Object.values(stored?.releases ?? {})
        .filter((r) => doc.spec.releases.some((x) => x.environment === r.environment))
        .map(release),
      unmanaged,
    };
    // What the owner stored changed: tell this replica's events stream (issue 17).
    if (this.deps.owner && stored && text !== this.followedText)
      this.deps.bus.emit("observed", {
        repo: this.deps.repo,
        platform: this.status,
        writes: 0,
        ms: Date.now() - started,
      });
    this.deps.log.debug("platform followed", {
      platform: this.name,
      ms: Date.now() - started,
      changed: text !== this.followedText,
    });
    this.followedText = text;
  }

  /** Does this run list the objects we did not create? The first one, and then the timer's. */
  private takeUnmanagedTurn(): boolean {
    const turn = this.unmanagedWanted || this.unmanagedListedAt === undefined;
    this.unmanagedWanted = false;
    return turn;
  }

  /**
   * The unmanaged inventory's own refresh: a reconcile of this platform once it
   * is due, at a moment of its own (unmanaged-refresh.ts), never in the way of
   * a push to another platform.
   */
  private scheduleUnmanagedRefresh(): void {
    if (this.unmanagedTimer || this.unmanagedListedAt === undefined) return;
    const delayMs = refreshDelayMs(this.unmanagedListedAt, Date.now());
    this.unmanagedTimer = setTimeout(() => {
      this.unmanagedTimer = undefined;
      if (!unmanagedDue(this.unmanagedListedAt, Date.now())) {
        this.scheduleUnmanagedRefresh();
        return;
      }
      this.unmanagedWanted = true;
      this.request("unmanaged inventory");
    }, delayMs);
    this.unmanagedTimer.unref();
  }

  /**
   * A sync the cluster did not answer is tried again by itself, after 1, 2, 4 …
   * up to 30 seconds, rather than at the next poll or push: the cluster may be
   * back in seconds (an API server restart), and nothing in Git changed to say so.
   */
  private retryIfUnavailable(unavailable: boolean): void {
    if (!unavailable) {
      this.unavailableRuns = 0;
      return;
    }
    const delayMs = Math.min(30_000, 1000 * 2 ** Math.min(this.unavailableRuns, 5));
    this.unavailableRuns++;
    this.requeueAt(Date.now() + delayMs, "cluster unavailable");
  }

  /** Reconcile again at `atMs` (a release deadline, a retry), unless an earlier one is set. */
  private requeueAt(atMs: number, reason: string): void {
    if (atMs >= this.requeueAtMs) return;
    clearTimeout(this.requeueTimer);
    this.requeueAtMs = atMs;
    this.requeueTimer = setTimeout(
      () => {
        this.requeueAtMs = Infinity;
        this.request(reason);
      },
      Math.max(0, atMs - Date.now()) + 50,
    );
  }
}

/** Did a deployment or release of this sync fail because the cluster did not answer? */
function mentionsUnavailable(status: PlatformStatus): boolean {
  return [...status.deployments, ...status.releases].some(
    (s) => s.lastErrorCode === "ClusterUnavailable",
  );
}

/** Nothing in the platform's status asks for another try: no failure, error or conflict. */
function isClean(status: PlatformStatus): boolean {
  return (
    !status.lastError &&
    status.deployments.every(
      (d) => d.state !== "Failed" && !d.lastError && d.conflicts.length === 0,
    ) &&
    status.releases.every((r) => !r.lastError)
  );
}
