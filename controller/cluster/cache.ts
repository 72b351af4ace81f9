// A watch-fed cache of the objects we manage on one cluster: one list-and-watch
// per kind, cluster-wide, filtered by our managed-by label. A sync reads live
// state from here instead of the API server, and every change someone else makes
// reaches `onChange`, so drift is undone within seconds, not at the next poll.
import {
  ListWatch,
  Watch,
  type KubernetesObject,
  type KubernetesListObject,
} from "@kubernetes/client-node";
import { describeError } from "../errors.js";
import type { Logger } from "../log.js";
import type { ClusterClient, ObjectRef } from "./client.js";
import { fieldManager, managedSelector } from "./labels.js";

export type ChangeType = "add" | "update" | "delete";
export type ChangeListener = (type: ChangeType, obj: KubernetesObject) => void;

export class ManagedCache {
  private readonly kinds = new Map<string, ListWatch<KubernetesObject>>();
  /** Set synchronously, so concurrent callers share one start per kind. */
  private readonly ready = new Map<string, Promise<boolean>>();
  private readonly listeners = new Set<ChangeListener>();
  private stopped = false;

  constructor(
    private readonly client: ClusterClient,
    private readonly log: Logger,
  ) {}

  /** Starts watching a kind (once) and waits for its first list; false when the cluster has no such kind. */
  ensure(apiVersion: string, kind: string): Promise<boolean> {
    const key = `${apiVersion}/${kind}`;
    let ready = this.ready.get(key);
    if (!ready) {
      ready = this.start(apiVersion, kind, key).catch((err: unknown) => {
        this.ready.delete(key);
        throw err;
      });
      this.ready.set(key, ready);
    }
    return ready;
  }

  get(ref: ObjectRef): KubernetesObject | undefined {
    return this.kinds.get(`${ref.apiVersion}/${ref.kind}`)?.get(ref.name, ref.namespace);
  }

  /** Cached objects of a kind, optionally in one namespace. */
  list(apiVersion: string, kind: string, namespace?: string): readonly KubernetesObject[] {
    return this.kinds.get(`${apiVersion}/${kind}`)?.list(namespace) ?? [];
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.kinds.values()].map((informer) => informer.stop()));
  }

  private async start(apiVersion: string, kind: string, key: string): Promise<boolean> {
    const path = await this.client.collectionPath(apiVersion, kind);
    if (!path) return false;
    const list = async (): Promise<KubernetesListObject<KubernetesObject>> => {
      const { items, resourceVersion } = await this.client.list(apiVersion, kind, {
        labelSelector: managedSelector,
      });
      return {
        apiVersion,
        kind: `${kind}List`,
        metadata: { resourceVersion },
        items: items.map(trimmed),
      };
    };
    const informer = new ListWatch<KubernetesObject>(
      path,
      new TrimmingWatch(this.client.kubeConfig),
      list,
      false,
      managedSelector,
    );
    const emit = (type: ChangeType) => (obj: KubernetesObject) => {
      const typed = { ...obj, apiVersion, kind };
      for (const l of this.listeners) l(type, typed);
    };
    informer.on("add", emit("add"));
    informer.on("update", emit("update"));
    informer.on("delete", emit("delete"));
    informer.on("error", (err) => {
      if (this.stopped) return;
      // The watch broke (API server restart, expired resource version): list again shortly.
      this.log.warn("watch failed, restarting", { kind: key, error: describeError(err) });
      setTimeout(() => {
        if (!this.stopped) informer.start().catch(() => undefined);
      }, 1000);
    });
    this.kinds.set(key, informer);
    try {
      await informer.start();
    } catch (err) {
      this.kinds.delete(key);
      throw err;
    }
    return true;
  }
}

/**
 * What the cache keeps of an object: all of it but the field-manager entries
 * nothing reads (our own apply's, which is the largest, and status writers').
 * Drift detection looks only at other managers' entries (drift.ts); with
 * hundreds of components these entries are most of the cache's memory.
 */
export function trimmed<T extends KubernetesObject>(obj: T): T {
  const fields = obj.metadata?.managedFields;
  if (!fields) return obj;
  const kept = fields.filter((f) => f.manager !== fieldManager && f.subresource !== "status");
  return { ...obj, metadata: { ...obj.metadata, managedFields: kept } };
}

/** A Watch whose events carry trimmed objects, so the informer stores them trimmed. */
class TrimmingWatch extends Watch {
  override watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: KubernetesObject, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    return super.watch(
      path,
      queryParams,
      (phase, obj: KubernetesObject | undefined, watchObj) =>
        callback(phase, obj?.metadata ? trimmed(obj) : (obj as KubernetesObject), watchObj),
      done,
    );
  }
}
