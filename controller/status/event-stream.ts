// The events stream (issue 6): the controller's sync and platform events as
// they happen, and the pod changes seen by watches started only while someone
// listens. Apart from the StatusView adapter (view.ts) because it is
// the only part with state that lives and must be stopped: listeners, bus
// subscriptions and pod watches. The topology reads the same pod watches.
import type { V1Pod } from "@kubernetes/client-node";
import type { PlatformEvent, SyncEvent } from "./bus.js";
import type { Cluster } from "../cluster/pool.js";
import { ManagedCache } from "../cluster/cache.js";
import type { Controller } from "../sync/controller.js";
import { describeError } from "../errors.js";
import type { Logger } from "../log.js";
import { podChanges, podEvent, podMemory, type PodMemory } from "./pod-events.js";
import type { StreamEvent } from "../../webhooks/api/types.js";
import type { AlertEventData } from "../../schemas/status/alert-event.js";

export interface PodWatch {
  cache: ManagedCache;
  ready: Promise<void>;
  /** What each pod looked like last, by uid: what a change is measured against. */
  seen: Map<string, PodMemory>;
  /** False while the first list arrives: pods that already ran are not news. */
  primed: boolean;
}

export class EventStream {
  private readonly podWatches = new Map<string, PodWatch>();
  private readonly listeners = new Set<(event: StreamEvent) => void>();
  private readonly detach: () => void;

  constructor(
    private readonly controller: Controller,
    private readonly log: Logger,
  ) {
    const onSync = (e: SyncEvent) =>
      this.emit({ event: "sync", data: { time: new Date().toISOString(), ...e } });
    const onPlatform = (e: PlatformEvent) => {
      this.emit({
        event: "platform",
        data: {
          time: new Date().toISOString(),
          repo: e.repo,
          platform: e.platform.name,
          writes: e.writes,
          ms: e.ms,
          deployments: e.platform.deployments.map((d) => ({
            ref: d.ref,
            id: d.id,
            state: d.state,
          })),
        },
      });
      // Pods are watched only while someone listens to the events stream (and once
      // the topology is asked for): 500 components mean 1,000 more objects in memory.
      if (this.listeners.size > 0) this.watchPodsOf(e.platform.cluster || undefined);
    };
    const onAlert = (data: AlertEventData) => this.emit({ event: "alert", data });
    controller.bus.on("sync", onSync);
    controller.bus.on("platform", onPlatform);
    controller.bus.on("alert", onAlert);
    // A platform another replica owns (issue 17): its owner's new status, as a platform event here.
    controller.bus.on("observed", onPlatform);
    this.detach = () => {
      controller.bus.off("sync", onSync);
      controller.bus.off("platform", onPlatform);
      controller.bus.off("alert", onAlert);
      controller.bus.off("observed", onPlatform);
    };
  }

  subscribe(listener: (event: StreamEvent) => void): () => void {
    this.listeners.add(listener);
    for (const repo of this.controller.repositories)
      for (const doc of Object.values(repo.control?.model.platforms ?? {}))
        this.watchPodsOf(doc.spec.cluster?.context);
    return () => this.listeners.delete(listener);
  }

  /** Stops listening to the bus and stops the pod watches. */
  async close(): Promise<void> {
    this.detach();
    this.listeners.clear();
    await Promise.all([...this.podWatches.values()].map((w) => w.cache.stop()));
    this.podWatches.clear();
  }

  private emit(event: StreamEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.log.warn("an events stream listener failed", { error: describeError(err) });
      }
    }
  }

  private watchPodsOf(context: string | undefined): void {
    try {
      this.podWatch(this.controller.clusters.get(context));
    } catch (err) {
      this.log.warn("cannot watch pods", { cluster: context ?? "", error: describeError(err) });
    }
  }

  /** Is the pod in the namespace of one of this controller's platforms, labelled for it? */
  private ownsPod(pod: V1Pod): boolean {
    const platform = pod.metadata?.labels?.["kubefox.io/platform"];
    if (!platform) return false;
    return this.controller.repositories.some(
      (r) => r.control?.model.platforms[platform]?.spec.namespace === pod.metadata?.namespace,
    );
  }

  /**
   * Pods and ReplicaSets, watched in a cache of their own: the controller's
   * cache turns every change it sees into a drift sync, and pods change all
   * the time without anything to correct.
   */
  podWatch(cluster: Cluster): PodWatch {
    const known = this.podWatches.get(cluster.context);
    if (known) return known;
    const cache = new ManagedCache(cluster.client, this.log.with({ watch: "pods" }));
    const watch: PodWatch = { cache, ready: Promise.resolve(), seen: new Map(), primed: false };
    cache.onChange((type, obj) => {
      if (obj.kind !== "Pod") return;
      const pod = obj as V1Pod;
      const key = pod.metadata?.uid ?? `${pod.metadata?.namespace}/${pod.metadata?.name}`;
      const before = watch.seen.get(key);
      if (type === "delete") watch.seen.delete(key);
      else watch.seen.set(key, podMemory(pod));
      // Other controllers' pods carry our labels too: report only this controller's platforms.
      if (!watch.primed || !this.ownsPod(pod)) return;
      const time = new Date().toISOString();
      for (const change of podChanges(type, before, pod))
        this.emit({ event: "pod", data: podEvent(change, pod, time) });
    });
    watch.ready = Promise.all([
      cache.ensure("v1", "Pod"),
      cache.ensure("apps/v1", "ReplicaSet"),
    ]).then(
      () => {
        watch.primed = true;
      },
      async (err: unknown) => {
        // Forget it, so that the next request tries again.
        this.podWatches.delete(cluster.context);
        await cache.stop();
        throw err;
      },
    );
    watch.ready.catch((err: unknown) =>
      this.log.warn("watching pods failed", {
        cluster: cluster.context,
        error: describeError(err),
      }),
    );
    this.podWatches.set(cluster.context, watch);
    return watch;
  }
}
