// Runs one platform's reconciles, one at a time, each against the newest state
// its repository has read from Git. Every platform has its own queue, so a slow
// or unreachable cluster holds up only the platforms on it; drift on a cluster
// wakes only the platform it belongs to.
import type { Bus } from "./bus.js";
import type { ClusterPool } from "./clusters.js";
import { describeError, KubefoxError } from "./errors.js";
import type { Logger } from "./log.js";
import type { ControlModel } from "./model/load-control.js";
import { reconcilePlatform } from "./reconcile/platform.js";
import type { PlatformStatus } from "./reconcile/status.js";
import { loadStatus, type StoredStatus } from "./reconcile/status-store.js";
import type { SystemCache } from "./reconcile/systems.js";
import { resolveRef } from "./source/refs.js";
import type { GitSource, RefMap } from "./source/types.js";
import { SyncQueue } from "./sync-queue.js";

/** What a repository sync read from Git, handed to its platforms. */
export interface Snapshot {
  /** Increases with every repository sync that read Git. */
  seq: number;
  refs: RefMap;
  control: ControlModel;
  /** False after a fetch error or with an invalid control branch. */
  allowPrune: boolean;
  systemName: string;
  source: GitSource;
  systems: SystemCache;
}

export interface RunnerDeps {
  repo: string;
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
  private unmanagedSeq = -1;
  private requeueTimer: NodeJS.Timeout | undefined;
  private requeueAtMs = Infinity;

  constructor(
    readonly name: string,
    private readonly deps: RunnerDeps,
  ) {
    this.queue = new SyncQueue(() => this.run());
  }

  request(reason: string): void {
    this.queue.request({ fetch: false, reason });
  }

  async close(): Promise<void> {
    clearTimeout(this.requeueTimer);
    await this.queue.close();
  }

  private async run(): Promise<void> {
    const snapshot = this.deps.snapshot();
    const doc = snapshot?.control.platforms[this.name];
    if (!snapshot || !doc) return;
    const { source, refs } = snapshot;
    try {
      const cluster = this.deps.clusters.get(doc.spec.cluster?.context);
      if (!this.loaded) {
        // After a restart, what the last run applied is read back from the cluster.
        this.stored = await loadStatus(cluster.client, cluster.cache, doc.spec.namespace);
        this.loaded = true;
      }
      const started = Date.now();
      const writesBefore = cluster.client.writes;
      const result = await reconcilePlatform({
        name: this.name,
        system: snapshot.systemName,
        doc,
        control: snapshot.control,
        resolveRef: async (ref) => (await resolveRef(ref, refs, (p) => source.findCommits(p))).id,
        isAncestor: async (older, newer) =>
          (await source.log(newer, 10_000)).some((c) => c.id === older),
        systems: snapshot.systems,
        client: cluster.client,
        cache: cluster.cache,
        previous: this.stored,
        allowPrune: snapshot.allowPrune,
        // Listing every kind of a namespace is for new Git state, not for every drift.
        listUnmanaged: snapshot.seq !== this.unmanagedSeq,
        unmanaged: this.status?.unmanaged ?? [],
        log: this.deps.log,
      });
      this.unmanagedSeq = snapshot.seq;
      this.stored = result.stored;
      this.status = result.status;
      if (result.requeueAtMs) this.requeueAt(result.requeueAtMs);
      this.deps.bus.emit("platform", {
        repo: this.deps.repo,
        platform: result.status,
        writes: cluster.client.writes - writesBefore,
        ms: Date.now() - started,
      });
    } catch (err) {
      const message = describeError(err);
      this.deps.log.error("platform sync failed", {
        platform: this.name,
        error: message,
        code: err instanceof KubefoxError ? err.code : "Internal",
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

  /** Reconcile again at `atMs` (a pending release's deadline), unless an earlier one is set. */
  private requeueAt(atMs: number): void {
    if (atMs >= this.requeueAtMs) return;
    clearTimeout(this.requeueTimer);
    this.requeueAtMs = atMs;
    this.requeueTimer = setTimeout(
      () => {
        this.requeueAtMs = Infinity;
        this.request("release deadline");
      },
      Math.max(0, atMs - Date.now()) + 50,
    );
  }
}
