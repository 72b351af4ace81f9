// The controller: its repositories, its clusters, and what triggers syncs
// (DESIGN §5): the poll schedule, changes to local repositories, webhooks (via
// requestSync), and edits to managed objects seen by the watch caches.
import cron, { type ScheduledTask } from "node-cron";
import { Bus } from "./bus.js";
import { ClusterPool } from "./clusters.js";
import { labels } from "./cluster/labels.js";
import { describeError } from "./errors.js";
import type { Logger } from "./log.js";
import { Repository } from "./repository.js";
import type { Settings } from "./settings.js";

/** A drift sync waits this long for more changes, so one rollout's many events make one sync. */
const driftDebounceMs = 250;

export class Controller {
  readonly repositories: Repository[];
  readonly clusters: ClusterPool;
  /** Sync, fetch and platform results as they happen. */
  readonly bus = new Bus();
  private poll: ScheduledTask | undefined;
  private readonly driftTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    readonly settings: Settings,
    private readonly log: Logger,
  ) {
    this.clusters = new ClusterPool(settings.kubeconfig, log);
    this.repositories = settings.repos.map(
      (r) => new Repository(r, settings, this.clusters, log, this.bus),
    );
    this.clusters.onCreate((cluster) =>
      cluster.cache.onChange((_type, obj) => {
        const platform = obj.metadata?.labels?.[labels.platform];
        if (platform) this.driftIn(platform);
      }),
    );
  }

  /** Opens every source and starts the first sync of each; returns once they are started. */
  async start(): Promise<void> {
    for (const repo of this.repositories) {
      try {
        await repo.open();
      } catch (err) {
        repo.status.lastError = describeError(err);
        this.log.error("could not open repository", {
          repo: repo.location,
          error: describeError(err),
        });
        continue;
      }
      repo.queue.request({ fetch: true, reason: "start" });
    }
    this.poll = cron.schedule(this.settings.poll, () => {
      for (const repo of this.repositories) repo.queue.request({ fetch: true, reason: "poll" });
    });
  }

  /** Asks every repository that `matches` to fetch and sync now; returns how many did. */
  requestSync(matches: (repo: Repository) => boolean, reason: string): number {
    const picked = this.repositories.filter(matches);
    for (const repo of picked) repo.queue.request({ fetch: true, reason });
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

  /** Stops the triggers, lets the syncs in flight finish their writes, then stops watching. */
  async stop(): Promise<void> {
    await this.poll?.stop();
    for (const timer of this.driftTimers.values()) clearTimeout(timer);
    await Promise.all(this.repositories.map((r) => r.close()));
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
