// One client and one watch cache per cluster (kubeconfig context), made on first
// use. Platforms on different clusters share nothing, so one unreachable
// cluster holds up only its own platforms. Every client asks the same write
// guard (with leader election: "this replica holds the Lease").
import { ClusterClient } from "./client.js";
import { ManagedCache } from "./cache.js";
import { loadConnection } from "./kubeconfig.js";
import type { Logger } from "../log.js";

export interface Cluster {
  /** The kubeconfig context, "" for the default (current context or in-cluster). */
  context: string;
  client: ClusterClient;
  cache: ManagedCache;
}

export interface ClusterPoolOptions {
  kubeconfig: string | undefined;
  log: Logger;
  /** Asked before every write of every client (ClusterClientOptions.mayWrite); default: always. */
  mayWrite?: () => boolean;
  /** Each cache holds only the platforms included in it (sharding: ManagedCacheOptions.scoped). */
  scoped?: boolean;
}

export class ClusterPool {
  private readonly clusters = new Map<string, Cluster>();
  private readonly created: ((cluster: Cluster) => void)[] = [];

  constructor(private readonly options: ClusterPoolOptions) {}

  /** Called for each cluster as it is first used (to route its watch events). */
  onCreate(listener: (cluster: Cluster) => void): void {
    this.created.push(listener);
  }

  get(context: string | undefined): Cluster {
    const key = context ?? "";
    const known = this.clusters.get(key);
    if (known) return known;
    const { kubeconfig, mayWrite } = this.options;
    const connection = loadConnection({ file: kubeconfig, context: key || undefined });
    const log = this.options.log.with({ cluster: key || "(default)" });
    const client = new ClusterClient(connection, { log, mayWrite });
    const cache = new ManagedCache(client, log, { scoped: this.options.scoped ?? false });
    const cluster = { context: key, client, cache };
    this.clusters.set(key, cluster);
    for (const listener of this.created) listener(cluster);
    return cluster;
  }

  /** Objects the watch caches of every cluster hold now. */
  get cachedObjects(): number {
    return [...this.clusters.values()].reduce((n, c) => n + c.cache.size, 0);
  }

  /** API writes sent to every cluster so far. */
  get writes(): number {
    return [...this.clusters.values()].reduce((n, c) => n + c.client.writes, 0);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.clusters.values()].map((c) => c.cache.stop()));
    for (const c of this.clusters.values()) c.client.close();
  }
}
