// The controller: its repositories, its clusters, and what triggers syncs
// (DESIGN §5): the poll schedule, changes to local repositories, webhooks (via
// requestSync), and edits to managed objects seen by the watch caches. With
// leader election on (issue 7), every replica reads Git and serves the API,
// and only the holder of the Lease writes: every cluster client asks `leading`
// before each write and refuses it while this process does not lead, and a
// platform runner that may not write reads the status the leader keeps in the
// cluster instead.
import cron, { type ScheduledTask } from "node-cron";
import { Bus } from "../status/bus.js";
import { ClusterPool, type Cluster } from "../cluster/pool.js";
import { labels } from "../cluster/labels.js";
import { describeError, errorCode } from "../errors.js";
import { kubernetesLeaseStore, LeaderElector } from "../cluster/leader.js";
import { ShardKeeper } from "../cluster/shards.js";
import { shardOf } from "../cluster/shard-plan.js";
import { SyncSignal } from "../cluster/sync-signal.js";
import type { Logger } from "../log.js";
import { Repository } from "./repository.js";
import type { Settings } from "../cli/settings.js";

/** A drift sync waits this long for more changes, so one rollout's many events make one sync. */
const driftDebounceMs = 250;
/**
 * How long a sharded replica puts off its fetch for a push that none of its platforms reads
 * (a webhook on it, or another replica's signal): long enough for the owner's fetch and
 * reconcile to have the cores (about 100 ms at 5,000 components), short enough for its view
 * of the repository to follow soon.
 */
const deferredSignalMs = 1000;

export class Controller {
  readonly repositories: Repository[];
  readonly clusters: ClusterPool;
  /** Sync, fetch and platform results as they happen. */
  readonly bus = new Bus();
  /** Undefined when leader election is off: then this process always leads. */
  leader: LeaderElector | undefined;
  /** With --shards above 1 (issue 17): the shards this replica holds, and the guard of each platform. */
  shards: ShardKeeper | undefined;
  /** With --shards above 1: how a webhook on this replica reaches the others. */
  private signal: SyncSignal | undefined;
  private poll: ScheduledTask | undefined;
  private readonly driftTimers = new Map<string, NodeJS.Timeout>();
  /** Syncs put off because the push concerned only other replicas' platforms. */
  private readonly deferred = new Set<NodeJS.Timeout>();

  constructor(
    readonly settings: Settings,
    private readonly log: Logger,
  ) {
    this.clusters = new ClusterPool({
      kubeconfig: settings.kubeconfig,
      log,
      mayWrite: () => this.leading,
      // Sharded, a replica watches only the platforms it owns (issue 17).
      scoped: settings.shards > 1,
    });
    // With sharding, each platform writes only while this replica holds its shard.
    const owner =
      settings.shards > 1 ? { owns: (platform: string) => this.owns(platform) } : undefined;
    this.repositories = settings.repos.map(
      (r) => new Repository(r, settings, this.clusters, log, this.bus, owner),
    );
    this.clusters.onCreate((cluster) => {
      cluster.cache.onChange((_type, obj) => {
        const platform = obj.metadata?.labels?.[labels.platform];
        if (platform) this.driftIn(platform);
      });
    });
  }

  /** May this process write to clusters now? Always, without leader election. */
  get leading(): boolean {
    if (!this.settings.leaderElection) return true;
    if (this.settings.shards > 1) return this.shards?.holdsAny ?? false;
    return this.leader?.leading ?? false;
  }

  /** May this replica write the platform now? (Sharding: it holds the platform's shard.) */
  owns(platform: string): boolean {
    if (this.settings.shards <= 1) return this.leading;
    return this.shards?.owns(platform) ?? false;
  }

  /** Opens every source and starts the first sync of each; returns once they are started. */
  async start(): Promise<void> {
    this.startElection();
    for (const repo of this.repositories) {
      try {
        await repo.open();
      } catch (err) {
        repo.status.lastError = describeError(err);
        this.log.error("could not open repository", {
          repo: repo.location,
          error: describeError(err),
          code: errorCode(err),
        });
        continue;
      }
      repo.queue.request({ fetch: true, reason: "start" });
    }
    this.poll = cron.schedule(this.settings.poll, () => {
      for (const repo of this.repositories) repo.queue.request({ fetch: true, reason: "poll" });
    });
  }

  private startElection(): void {
    const election = this.settings.leaderElection;
    if (!election) return;
    if (this.settings.shards > 1) {
      this.startSharding(election);
      return;
    }
    let home: Cluster;
    try {
      // The Lease lives in the default cluster: in-cluster, or the kubeconfig's current context.
      home = this.clusters.get(undefined);
    } catch (err) {
      // Without a cluster to keep a Lease in, this process never leads: it only reads Git.
      this.log.error("leader election: no cluster to keep the Lease in; never leading", {
        error: describeError(err),
      });
      return;
    }
    this.leader = new LeaderElector({
      store: kubernetesLeaseStore(home.client, election.namespace, election.name),
      identity: election.identity,
      leaseDurationMs: election.leaseDurationMs,
      renewDeadlineMs: election.renewDeadlineMs,
      retryPeriodMs: election.retryPeriodMs,
      log: this.log,
      // A new leader reads Git and reconciles everything; a deposed one re-reads status.
      onChange: (leading) => {
        const reason = leading ? "became leader" : "stopped leading";
        for (const repo of this.repositories) repo.queue.request({ fetch: leading, reason });
      },
    });
    this.leader.start();
  }

  /**
   * Sharding (issue 17): hold a fair share of the shards; a shard gained reads
   * Git and reconciles its platforms, a shard lost makes them read the status
   * its new owner keeps. Webhooks that land here reach the others through the
   * sync Lease.
   */
  private startSharding(election: NonNullable<Settings["leaderElection"]>): void {
    let home: Cluster;
    try {
      home = this.clusters.get(undefined);
    } catch (err) {
      this.log.error("sharding: no cluster to keep the Leases in; never writing", {
        error: describeError(err),
      });
      return;
    }
    let owned: ReadonlySet<number> = new Set();
    this.shards = new ShardKeeper({
      client: home.client,
      namespace: election.namespace,
      group: election.name,
      identity: election.identity,
      shardCount: this.settings.shards,
      leaseDurationMs: election.leaseDurationMs,
      renewDeadlineMs: election.renewDeadlineMs,
      retryPeriodMs: election.retryPeriodMs,
      log: this.log,
      drain: (shard) => this.drainShard(shard),
      onChange: (now) => {
        // A shard held again after its guard lapsed counts as gained: its platforms read Git anew.
        const gained = [...now].some((s) => !owned.has(s)) || now.size === owned.size;
        owned = now;
        this.bus.emit("ownership", { shards: now.size, platforms: this.ownedPlatforms() });
        const reason = gained ? "shards gained" : "shards lost";
        for (const repo of this.repositories) repo.queue.request({ fetch: gained, reason });
      },
    });
    this.signal = new SyncSignal({
      client: home.client,
      namespace: election.namespace,
      group: election.name,
      identity: election.identity,
      log: this.log,
      locations: () => this.repositories.map((r) => r.location),
      onSignal: (location, refs) => {
        for (const repo of this.repositories) {
          if (repo.location !== location) continue;
          const request = () =>
            repo.queue.requestSettled({
              fetch: true,
              reason: "webhook on another replica",
              changedOnly: true,
            });
          // A push none of this replica's platforms reads (a branch another replica's
          // platform follows): fetch a moment later, leaving the cores to the owner's
          // fetch and reconcile. Without the refs, or when one may concern it: at once.
          const now = !refs || repo.mayConcern(refs, (p) => this.owns(p));
          this.log.debug("sync asked for by another replica", {
            repo: location,
            ...(refs ? { refs } : {}),
            deferred: !now,
          });
          if (now) request();
          else this.defer(request);
        }
      },
    });
    // Platforms come and go with the control branch: count them again after every sync.
    this.bus.on("sync", () =>
      this.bus.emit("ownership", {
        shards: this.shards?.shards.size ?? 0,
        platforms: this.ownedPlatforms(),
      }),
    );
    this.shards.start();
    this.signal.start();
  }

  /** How many platforms this replica writes now. */
  ownedPlatforms(): number {
    return this.repositories.reduce(
      (n, r) => n + [...r.platforms.keys()].filter((p) => this.owns(p)).length,
      0,
    );
  }

  /** Resolves once no platform of the shard has a reconcile running or waiting. */
  private async drainShard(shard: number): Promise<void> {
    const count = this.settings.shards;
    await Promise.all(
      this.repositories.flatMap((r) =>
        [...r.platforms.values()]
          .filter((p) => shardOf(p.name, count) === shard)
          .map((p) => p.queue.idle()),
      ),
    );
  }

  /**
   * Asks every repository that `matches` to fetch and sync now (at once when it
   * is idle; after the burst when requests keep coming, see requestSettled);
   * returns how many did. A webhook asks for `changedOnly`: the platforms whose
   * inputs the fetch changed reconcile, the others wait for the poll's resync.
   */
  requestSync(
    matches: (repo: Repository) => boolean,
    reason: string,
    scope: { changedOnly: boolean; refs?: readonly string[] },
  ): number {
    const picked = this.repositories.filter(matches);
    // The owners of its platforms may be other replicas: tell them first.
    if (picked.length > 0)
      void this.signal?.announce(
        picked.map((r) => r.location),
        scope.refs,
      );
    for (const repo of picked) {
      const request = () =>
        repo.queue.requestSettled({
          fetch: true,
          reason,
          ...(scope.changedOnly ? { changedOnly: true } : {}),
        });
      // Sharded, a push none of this replica's platforms reads is the owners' to fetch
      // first: this replica fetches a moment later, as for another replica's signal.
      const now = !this.signal || !scope.refs || repo.mayConcern(scope.refs, (p) => this.owns(p));
      this.log.debug("sync asked for", { reason, repo: repo.location, deferred: !now });
      if (now) request();
      else this.defer(request);
    }
    return picked.length;
  }

  /** True once every repository has finished its first sync. */
  get ready(): boolean {
    return this.repositories.every((r) => r.synced);
  }

  /** Waits until no repository or platform has a sync running or pending. */
  async idle(): Promise<void> {
    await Promise.all(this.repositories.map((r) => r.idle()));
  }

  /**
   * Stops the triggers, lets the syncs in flight finish their writes, releases
   * the Lease (so another replica takes over at once), then stops watching.
   */
  async stop(): Promise<void> {
    await this.poll?.stop();
    for (const timer of this.driftTimers.values()) clearTimeout(timer);
    for (const timer of this.deferred) clearTimeout(timer);
    await Promise.all(this.repositories.map((r) => r.close()));
    await this.leader?.stop();
    await this.signal?.stop();
    await this.shards?.stop();
    await this.clusters.stop();
  }

  /** Runs `request` after deferredSignalMs, unless the controller stops first. */
  private defer(request: () => void): void {
    const timer = setTimeout(() => {
      this.deferred.delete(timer);
      request();
    }, deferredSignalMs);
    this.deferred.add(timer);
  }

  private driftIn(platform: string): void {
    if (this.driftTimers.has(platform)) return;
    this.driftTimers.set(
      platform,
      setTimeout(() => {
        this.driftTimers.delete(platform);
        for (const repo of this.repositories) repo.requestPlatform(platform, "cluster change");
      }, driftDebounceMs),
    );
  }
}
