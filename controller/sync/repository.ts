// One watched repository and its sync, top to bottom: fetch the source, read
// the platforms on the control branch, and hand that state to each platform,
// which reconciles on its own cluster in its own queue (resolve, load, render,
// apply, prune, health, status: see reconcile/platform.ts). What a step could
// not do is recorded in status and makes the later steps more careful, never
// more destructive: after a fetch error or with an invalid control branch,
// nothing is pruned.
import { describeError, errorCode } from "../errors.js";
import type { Logger } from "../log.js";
import type { Bus } from "../status/bus.js";
import type { ClusterPool } from "../cluster/pool.js";
import { loadControl, type LoadedControl } from "../model/load-control.js";
import { PlatformRunner, type PlatformOwner, type Snapshot } from "./platform-runner.js";
import { SystemCache } from "../reconcile/systems.js";
import type { Settings } from "../cli/settings.js";
import { openSource } from "../source/source.js";
import type { GitSource, RefMap } from "../source/types.js";
import { pushMayConcern } from "./push-scope.js";
import { SyncQueue, type SyncRequest } from "./queue.js";
import type { RepositoryStatus } from "../../schemas/status/repository-status.js";

export class Repository {
  readonly queue: SyncQueue;
  readonly status: RepositoryStatus;
  /** The platforms on the control branch, each with its own queue and status. */
  readonly platforms = new Map<string, PlatformRunner>();
  control: LoadedControl | undefined;
  private snapshot: Snapshot | undefined;
  private firstSyncDone = false;
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
    /** With sharding (issue 17): which platforms this replica writes; without, all of them. */
    private readonly owner?: PlatformOwner,
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
      ...(this.settings.ssh ? { ssh: this.settings.ssh } : {}),
      ...(this.settings.gitLimits ? { limits: this.settings.gitLimits } : {}),
      onChange: () =>
        this.queue.request({ fetch: true, reason: "local commit", changedOnly: true }),
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

  /** True once a sync has read Git and every platform has been reconciled once (for /readyz). */
  get synced(): boolean {
    return this.firstSyncDone && [...this.platforms.values()].every((p) => p.ran);
  }

  /**
   * Could a push of these refs (`refs/heads/x`, `refs/tags/v1`) change the inputs of a
   * platform `owns` says this replica writes? Yes for the control branch, for a branch a
   * deployment or release follows, and for any tag where one follows a tag; yes too
   * before the control branch was first read.
   */
  mayConcern(refs: readonly string[], owns: (platform: string) => boolean): boolean {
    const control = this.control?.model;
    const branch = this.status.controlBranch;
    return !control || !branch || pushMayConcern(refs, control, branch, owns);
  }

  /** Reconcile one platform again against what was last read from Git (drift, deadlines). */
  requestPlatform(name: string, reason: string): void {
    this.platforms.get(name)?.request(reason);
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
        this.log.debug("fetched", { repo: this.location, ms: Date.now() - fetchStarted });
        this.status.lastFetchTime = new Date().toISOString();
        this.bus.emit("fetch", {
          repo: this.location,
          ms: Date.now() - fetchStarted,
          result: "ok",
        });
      } catch (err) {
        error = describeError(err);
        allowPrune = false;
        this.log.warn("fetch failed; keeping the last good state", {
          error,
          code: errorCode(err),
        });
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

    // 3. Hand the new state to every platform; each reconciles on its own, in its own queue.
    this.snapshot = {
      seq: (this.snapshot?.seq ?? 0) + 1,
      refs,
      controlId: commit,
      control: control.model,
      allowPrune,
      systemName,
      source,
      systems,
    };
    const names = Object.keys(control.model.platforms);
    for (const [name, runner] of this.platforms) {
      if (names.includes(name)) continue;
      this.platforms.delete(name); // nothing is pruned for a platform file that went away
      void runner.close();
    }
    // A webhook's sync reconciles the platforms whose inputs moved; the poll's, all of them.
    const snapshot = this.snapshot;
    const wanted = await Promise.all(
      names.map(
        async (name) =>
          !request.changedOnly ||
          ((await this.platforms.get(name)?.inputsChanged(snapshot)) ?? true),
      ),
    );
    for (const [i, name] of names.entries()) {
      if (!wanted[i]) continue;
      let runner = this.platforms.get(name);
      if (!runner) {
        runner = new PlatformRunner(name, {
          repo: this.location,
          clusters: this.clusters,
          bus: this.bus,
          log: this.log,
          snapshot: () => this.snapshot,
          ...(this.owner ? { owner: this.owner } : {}),
        });
        this.platforms.set(name, runner);
      }
      runner.request(request.reason);
    }
    this.finish(started, error, request, wanted.filter(Boolean).length);
  }

  private finish(
    started: number,
    error: string | undefined,
    request: SyncRequest,
    platforms = 0,
  ): void {
    this.status.lastSyncTime = new Date().toISOString();
    if (error) this.status.lastError = error;
    else delete this.status.lastError;
    this.firstSyncDone = true;
    const fields = {
      reason: request.reason,
      fetch: request.fetch,
      ms: Date.now() - started,
      platforms,
    };
    if (error) this.log.warn("sync finished with an error", { ...fields, error });
    else this.log.info("sync finished", fields);
    this.bus.emit("sync", {
      repo: this.location,
      ...fields,
      result: error ? "error" : "ok",
      ...(error ? { error } : {}),
    });
  }

  /** Waits until no sync of the repository or of its platforms runs or waits. */
  async idle(): Promise<void> {
    await this.queue.idle();
    await Promise.all([...this.platforms.values()].map((p) => p.queue.idle()));
  }

  async close(): Promise<void> {
    await this.queue.close();
    await Promise.all([...this.platforms.values()].map((p) => p.close()));
    await this.source?.close();
  }
}
