// Prometheus metrics (issue 6), fed from the controller's Bus so that nothing
// in the sync path knows about them, plus the webhook counter the HTTP server
// feeds. One registry per controller: tests can run several in one process.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type {
  Bus,
  DeliveryEvent,
  FetchEvent,
  OwnershipEvent,
  PlatformEvent,
  SyncEvent,
} from "./bus.js";
import { states } from "../../schemas/status/state.js";
import type { PlatformStatus } from "./status.js";
import { packageVersion } from "../cli/version.js";

/** Seconds buckets from a no-op resync (milliseconds) to a slow clone (minutes). */
const durationBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export class Metrics {
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;
  private readonly webhooks: Counter<"provider" | "result">;
  private readonly deployments: Gauge<"platform" | "state">;
  private readonly releases: Gauge<"platform" | "state">;
  /** The last status of each platform, by `<repo> <platform>`, for the state gauges. */
  private readonly platforms = new Map<string, PlatformStatus>();
  private readonly detach: () => void;

  /** `cachedObjects`: how many objects the watch caches hold now (read at each scrape). */
  constructor(bus: Bus, sources: { cachedObjects?: () => number } = {}) {
    const registers = [this.registry];
    // prom-client's stock names (process_cpu_seconds_total, nodejs_heap_size_used_bytes ...),
    // unprefixed, so that the usual Node.js dashboards and alerts find them (issue 15).
    collectDefaultMetrics({ register: this.registry });
    // A constant 1 whose labels say what runs, as Prometheus' own `*_build_info`.
    new Gauge({
      name: "kubefox_gitops_build_info",
      help: "Always 1; the labels say which kubefox-gitops version runs on which Node.js.",
      labelNames: ["version", "node_version"] as const,
      registers,
    }).set({ version: packageVersion(), node_version: process.version }, 1);
    const syncs = new Counter({
      name: "kubefox_gitops_syncs_total",
      help: "Repository syncs finished, by result (ok or error) and whether they fetched.",
      labelNames: ["result", "fetch"] as const,
      registers,
    });
    const syncPlatforms = new Counter({
      name: "kubefox_gitops_sync_platforms_total",
      help: "Platforms repository syncs asked to reconcile: every one (poll, start), or after a webhook those whose inputs moved.",
      labelNames: ["fetch"] as const,
      registers,
    });
    const syncDuration = new Histogram({
      name: "kubefox_gitops_sync_duration_seconds",
      help: "Time a repository sync took: fetch, read, and reconcile of every platform.",
      labelNames: ["result"] as const,
      buckets: durationBuckets,
      registers,
    });
    // Per platform, as Flux's gotk_reconcile_duration_seconds is per object: a
    // histogram in seconds, so rate() and histogram_quantile() work across replicas.
    const reconcileDuration = new Histogram({
      name: "kubefox_gitops_reconcile_duration_seconds",
      help: "Time one platform's reconcile took (resolve, render, apply, prune, health, status).",
      labelNames: ["platform"] as const,
      buckets: durationBuckets,
      registers,
    });
    const fetchDuration = new Histogram({
      name: "kubefox_gitops_git_fetch_duration_seconds",
      help: "Time a Git fetch took, by result.",
      labelNames: ["result"] as const,
      buckets: durationBuckets,
      registers,
    });
    const writes = new Counter({
      name: "kubefox_gitops_api_writes_total",
      help: "Writes sent to Kubernetes API servers (apply, create, delete), by platform.",
      labelNames: ["platform"] as const,
      registers,
    });
    // Incremental work (issue 17): a push that changes one ref renders one deployment.
    const renders = new Counter({
      name: "kubefox_gitops_render_total",
      help: "Deployments rendered, by platform (a reconcile reuses the render of a deployment whose inputs did not change).",
      labelNames: ["platform"] as const,
      registers,
    });
    const compares = new Counter({
      name: "kubefox_gitops_compare_total",
      help: "Deployments whose objects were compared with the live ones, by platform (skipped when inputs and live objects are as the last clean apply left them).",
      labelNames: ["platform"] as const,
      registers,
    });
    const releaseRenders = new Counter({
      name: "kubefox_gitops_release_render_total",
      help: "Release versions and fronts rendered, by platform (reused while the release's ref, commit and environment are unchanged).",
      labelNames: ["platform"] as const,
      registers,
    });
    const releaseCompares = new Counter({
      name: "kubefox_gitops_release_compare_total",
      help: "Release applies (a version or its front) compared with the live objects, by platform (skipped when inputs and live objects are as the last clean apply left them).",
      labelNames: ["platform"] as const,
      registers,
    });
    this.webhooks = new Counter({
      name: "kubefox_gitops_webhook_requests_total",
      help: "Webhook requests by provider and result (accepted, unmatched, ping, ignored, unauthorized, too_large, bad_request).",
      labelNames: ["provider", "result"] as const,
      registers,
    });
    this.deployments = new Gauge({
      name: "kubefox_gitops_deployments",
      help: "Deployments by platform and state, as of each platform's last reconcile.",
      labelNames: ["platform", "state"] as const,
      registers,
    });
    this.releases = new Gauge({
      name: "kubefox_gitops_releases",
      help: "Releases by platform and state, as of each platform's last reconcile.",
      labelNames: ["platform", "state"] as const,
      registers,
    });

    // Sharding (issue 17): what this replica writes now.
    const ownedShards = new Gauge({
      name: "kubefox_gitops_owned_shards",
      help: "Shards whose Lease this replica holds now (with --shards above 1).",
      registers,
    });
    const ownedPlatforms = new Gauge({
      name: "kubefox_gitops_owned_platforms",
      help: "Platforms this replica reconciles and writes now (with --shards above 1).",
      registers,
    });
    // Sharded, a replica watches only its platforms: this falls as replicas join.
    const { cachedObjects } = sources;
    if (cachedObjects) {
      new Gauge({
        name: "kubefox_gitops_cached_objects",
        help: "Objects the watch caches hold now (with --shards above 1, only those of the platforms this replica owns, and every status ConfigMap).",
        registers,
        collect() {
          this.set(cachedObjects());
        },
      });
    }
    const ownership = (e: OwnershipEvent) => {
      ownedShards.set(e.shards);
      ownedPlatforms.set(e.platforms);
    };

    const sync = (e: SyncEvent) => {
      syncs.inc({ result: e.result, fetch: String(e.fetch) });
      syncPlatforms.inc({ fetch: String(e.fetch) }, e.platforms ?? 0);
      syncDuration.observe({ result: e.result }, e.ms / 1000);
    };
    const fetch = (e: FetchEvent) => fetchDuration.observe({ result: e.result }, e.ms / 1000);
    const platform = (e: PlatformEvent) => {
      reconcileDuration.observe({ platform: e.platform.name }, e.ms / 1000);
      writes.inc({ platform: e.platform.name }, e.writes);
      renders.inc({ platform: e.platform.name }, e.rendered ?? 0);
      compares.inc({ platform: e.platform.name }, e.compared ?? 0);
      releaseRenders.inc({ platform: e.platform.name }, e.releaseRendered ?? 0);
      releaseCompares.inc({ platform: e.platform.name }, e.releaseCompared ?? 0);
      this.platforms.set(`${e.repo} ${e.platform.name}`, e.platform);
      this.countStates();
    };
    // Commit statuses and alerts (issue 14): labels say which provider and kind, never where.
    const deliveries = new Counter({
      name: "kubefox_gitops_notification_deliveries_total",
      help: "Commit status and alert deliveries by provider (github, gitlab, gitea, bitbucket-cloud, bitbucket-server, slack, teams, generic), kind (commit-status, alert) and result: sent, failed (a try that will be retried), given_up, skipped (would repeat or go back).",
      labelNames: ["provider", "kind", "result"] as const,
      registers,
    });
    const delivery = (e: DeliveryEvent) =>
      deliveries.inc({ provider: e.provider, kind: e.kind, result: e.result });
    bus.on("sync", sync);
    bus.on("fetch", fetch);
    bus.on("platform", platform);
    bus.on("delivery", delivery);
    bus.on("ownership", ownership);
    this.detach = () => {
      bus.off("ownership", ownership);
      bus.off("sync", sync);
      bus.off("fetch", fetch);
      bus.off("platform", platform);
      bus.off("delivery", delivery);
    };
  }

  /** Counts one webhook request (called by the HTTP server). */
  webhook(provider: string, result: string): void {
    this.webhooks.inc({ provider, result });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** Stops listening to the bus. */
  close(): void {
    this.detach();
  }

  private countStates(): void {
    this.deployments.reset();
    this.releases.reset();
    for (const status of this.platforms.values()) {
      const byState = new Map<string, number>(states.map((s) => [s, 0]));
      for (const d of status.deployments) byState.set(d.state, (byState.get(d.state) ?? 0) + 1);
      for (const [state, n] of byState) this.deployments.inc({ platform: status.name, state }, n);
      // Releases (issue 5) are counted once the status carries them, by each one's `state`.
      for (const state of releaseStates((status as { releases?: unknown }).releases))
        this.releases.inc({ platform: status.name, state });
    }
  }
}

/** The `state` of each release in a platform's status, however the list is kept. */
function releaseStates(releases: unknown): string[] {
  const entries = Array.isArray(releases)
    ? releases
    : releases && typeof releases === "object"
      ? Object.values(releases)
      : [];
  return entries
    .map((r) => (r && typeof r === "object" ? (r as { state?: unknown }).state : undefined))
    .filter((s): s is string => typeof s === "string");
}
