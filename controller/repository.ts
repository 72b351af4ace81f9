// One watched repository and its sync, top to bottom: fetch the source, read
// the platforms on the control branch, and reconcile each platform on its own
// cluster (resolve, load, render, apply, prune, health, status: see
// reconcile/platform.ts). What a step could not do is recorded in status and
// makes the later steps more careful, never more destructive: after a fetch
// error or with an invalid control branch, nothing is pruned.
import { describeError, KubefoxError } from "./errors.js";
import type { Logger } from "./log.js";
import type { Bus } from "./bus.js";
import type { ClusterPool } from "./clusters.js";
import { loadControl, type LoadedControl } from "./model/load-control.js";
import { reconcilePlatform } from "./reconcile/platform.js";
import type { PlatformStatus } from "./reconcile/status.js";
import { loadStatus, type StoredStatus } from "./reconcile/status-store.js";
import { SystemCache } from "./reconcile/systems.js";
import type { Settings } from "./settings.js";
import { resolveRef } from "./source/refs.js";
import { openSource } from "./source/source.js";
import type { GitSource, RefMap } from "./source/types.js";
import { SyncQueue, type SyncRequest } from "./sync-queue.js";

export interface RepositoryStatus {
  /** The URL (credentials masked) or path. */
  source: string;
  /** The control branch and the commit its platforms were read from. */
  controlBranch?: string;
  controlId?: string;
  /** Problems on the control branch, `file:line:col: message` each. */
  controlProblems: string[];
  lastFetchTime?: string;
  lastSyncTime?: string;
  /** The last fetch or control-branch error; cleared by a good sync. */
  lastError?: string;
  syncs: number;
}

interface PlatformMemory {
  stored: StoredStatus | undefined;
  /** Set once the cluster's copy was read after a (re)start. */
  loaded: boolean;
  status?: PlatformStatus;
}

export class Repository {
  readonly queue: SyncQueue;
  readonly status: RepositoryStatus;
  readonly platforms = new Map<string, PlatformMemory>();
  control: LoadedControl | undefined;
  /** True once a sync has finished (for /readyz). */
  synced = false;
  private source: GitSource | undefined;
  private systems: SystemCache | undefined;
  private controlCommit = "";
  private readonly log: Logger;

  constructor(
    readonly location: string,
    private readonly settings: Settings,
    private readonly clusters: ClusterPool,
    log: Logger,
    private readonly bus: Bus,
  ) {
    this.log = log.with({ repo: location });
    this.status = { source: location, controlProblems: [], syncs: 0 };
    this.queue = new SyncQueue((request) => this.sync(request));
  }

  /** Opens the source (clone on first use; a path is watched and syncs on every change). */
  async open(): Promise<void> {
    this.source = await openSource({
      location: this.location,
      stateDir: this.settings.stateDir,
      ...(this.settings.credentials ? { credentials: this.settings.credentials } : {}),
      onChange: () => this.queue.request({ fetch: true, reason: "local commit" }),
      log: ({ level, msg, ...fields }) => this.log[level](msg, fields),
    });
    this.status.source = this.source.label;
    this.systems = new SystemCache(this.source);
  }

  get gitSource(): GitSource | undefined {
    return this.source;
  }

  /** Does this repository's control branch define the platform? */
  hasPlatform(name: string): boolean {
    return this.platforms.has(name);
  }

  private async sync(request: SyncRequest): Promise<void> {
    const source = this.source;
    const systems = this.systems;
    if (!source || !systems) return;
    const started = Date.now();
    this.status.syncs++;
    let allowPrune = true;
    let error: string | undefined;

    // 1. Fetch the source, when Git may have changed. On failure the last good refs stay.
    let refs: RefMap = source.refs();
    if (request.fetch) {
      const fetchStarted = Date.now();
      try {
        refs = await source.sync();
        this.status.lastFetchTime = new Date().toISOString();
        this.bus.emit("fetch", {
          repo: this.location,
          ms: Date.now() - fetchStarted,
          result: "ok",
        });
      } catch (err) {
        error = describeError(err);
        allowPrune = false;
        this.log.warn("fetch failed; keeping the last good state", { error });
        this.bus.emit("fetch", {
          repo: this.location,
          ms: Date.now() - fetchStarted,
          result: "error",
        });
      }
    }

    // 2. Read the platforms, environments and configs on the control branch.
    const branch = this.settings.branch ?? refs.defaultBranch ?? "main";
    const commit = refs.branches.get(branch);
    this.status.controlBranch = branch;
    if (!commit) {
      this.finish(started, error ?? `control branch ${branch} does not exist`, request);
      return;
    }
    if (commit !== this.controlCommit || !this.control) {
      this.control = await loadControl(await source.tree(commit));
      this.controlCommit = commit;
    }
    this.status.controlId = commit;
    const control = this.control;
    this.status.controlProblems = control.problems.map(
      (p) => `${p.file}:${p.line}:${p.col}: ${p.message}`,
    );
    if (control.problems.length > 0) allowPrune = false;
    const systemAtControl = await systems.get(commit);
    const systemName = systemAtControl.ok ? systemAtControl.model.name : "";

    // 3. Reconcile every platform on its own cluster; one failing holds up no other.
    const names = Object.keys(control.model.platforms);
    for (const name of [...this.platforms.keys()])
      if (!names.includes(name)) this.platforms.delete(name);
    await Promise.all(
      names.map(async (name) => {
        const doc = control.model.platforms[name]!;
        const memory = this.platforms.get(name) ?? { stored: undefined, loaded: false };
        this.platforms.set(name, memory);
        try {
          const cluster = this.clusters.get(doc.spec.cluster?.context);
          if (!memory.loaded) {
            // After a restart, what the last run applied is read back from the cluster.
            memory.stored = await loadStatus(cluster.client, cluster.cache, doc.spec.namespace);
            memory.loaded = true;
          }
          const platformStarted = Date.now();
          const writesBefore = cluster.client.writes;
          const result = await reconcilePlatform({
            name,
            system: systemName,
            doc,
            control: control.model,
            resolveRef: async (ref) =>
              (await resolveRef(ref, refs, (p) => source.findCommits(p))).id,
            isAncestor: async (older, newer) =>
              (await source.log(newer, 10_000)).some((c) => c.id === older),
            systems,
            client: cluster.client,
            cache: cluster.cache,
            previous: memory.stored,
            allowPrune,
            listUnmanaged: request.fetch || !memory.status,
            unmanaged: memory.status?.unmanaged ?? [],
            log: this.log,
          });
          memory.stored = result.stored;
          memory.status = result.status;
          if (result.requeueAtMs) this.requeueAt(result.requeueAtMs);
          this.bus.emit("platform", {
            repo: this.location,
            platform: result.status,
            writes: cluster.client.writes - writesBefore,
            ms: Date.now() - platformStarted,
          });
        } catch (err) {
          const message = describeError(err);
          this.log.error("platform sync failed", {
            platform: name,
            error: message,
            code: codeOf(err),
          });
          memory.status = {
            ...(memory.status ?? {
              name,
              system: systemName,
              namespace: doc.spec.namespace,
              cluster: doc.spec.cluster?.context ?? "",
              deployments: [],
              releases: [],
              unmanaged: [],
            }),
            lastError: message,
            lastSyncTime: new Date().toISOString(),
          };
        }
      }),
    );
    this.finish(started, error, request);
  }

  private requeueTimer: NodeJS.Timeout | undefined;
  private requeueAtMs = Infinity;

  /** A no-fetch sync at `atMs` (a pending release's deadline), unless an earlier one is set. */
  private requeueAt(atMs: number): void {
    if (atMs >= this.requeueAtMs) return;
    clearTimeout(this.requeueTimer);
    this.requeueAtMs = atMs;
    this.requeueTimer = setTimeout(
      () => {
        this.requeueAtMs = Infinity;
        this.queue.request({ fetch: false, reason: "release deadline" });
      },
      Math.max(0, atMs - Date.now()) + 50,
    );
  }

  private finish(started: number, error: string | undefined, request: SyncRequest): void {
    this.status.lastSyncTime = new Date().toISOString();
    if (error) this.status.lastError = error;
    else delete this.status.lastError;
    this.synced = true;
    const fields = { reason: request.reason, fetch: request.fetch, ms: Date.now() - started };
    if (error) this.log.warn("sync finished with an error", { ...fields, error });
    else this.log.info("sync finished", fields);
    this.bus.emit("sync", {
      repo: this.location,
      ...fields,
      result: error ? "error" : "ok",
      ...(error ? { error } : {}),
    });
  }

  async close(): Promise<void> {
    clearTimeout(this.requeueTimer);
    await this.queue.close();
    await this.source?.close();
  }
}

function codeOf(err: unknown): string {
  if (err instanceof KubefoxError) return err.code;
  return "Internal";
}
