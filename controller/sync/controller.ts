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
import type { Logger } from "../log.js";
import { Repository } from "./repository.js";
import type { Settings } from "../cli/settings.js";

/** A drift sync waits this long for more changes, so one rollout's many events make one sync. */
const driftDebounceMs = 250;

export class Controller {
  readonly repositories: Repository[];
  readonly clusters: ClusterPool;
  /** Sync, fetch and platform results as they happen. */
  readonly bus = new Bus();
  /** Undefined when leader election is off: then this process always leads. */
  leader: LeaderElector | undefined;
  private poll: ScheduledTask | undefined;
  private readonly driftTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    readonly settings: Settings,
    private readonly log: Logger,
  ) {
    this.clusters = new ClusterPool({
      kubeconfig: settings.kubeconfig,
      log,
      mayWrite: () => this.leading,
    });
    this.repositories = settings.repos.map(
      (r) => new Repository(r, settings, this.clusters, log, this.bus),
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
    return this.leader?.leading ?? false;
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
   * Asks every repository that `matches` to fetch and sync now (at once when it
   * is idle; after the burst when requests keep coming, see requestSettled);
   * returns how many did.
   */
  requestSync(matches: (repo: Repository) => boolean, reason: string): number {
    const picked = this.repositories.filter(matches);
    for (const repo of picked) repo.queue.requestSettled({ fetch: true, reason });
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
    await Promise.all(this.repositories.map((r) => r.close()));
    await this.leader?.stop();
    await this.clusters.stop();
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
