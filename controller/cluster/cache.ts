// A watch-fed cache of the objects we manage on one cluster: one list-and-watch
// per kind, cluster-wide, filtered by our managed-by label. A sync reads live
// state from here instead of the API server, and every change someone else makes
// reaches `onChange`, so drift is undone within seconds, not at the next poll.
import type { KubernetesObject } from "@kubernetes/client-node";
import { describeError } from "../errors.js";
import type { Logger } from "../log.js";
import type { ClusterClient, ObjectRef } from "./client.js";
import { KubeApiError, type ApiStatus, type WatchEvent } from "./http.js";
import { fieldManager, managedSelector } from "./labels.js";

export type ChangeType = "add" | "update" | "delete";
export type ChangeListener = (type: ChangeType, obj: KubernetesObject) => void;

export class ManagedCache {
  private readonly kinds = new Map<string, Informer>();
  /** Set synchronously, so concurrent callers share one start per kind. */
  private readonly ready = new Map<string, Promise<boolean>>();
  private readonly listeners = new Set<ChangeListener>();

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

  /**
   * Records what a write of ours returned, so the rest of the sync (health,
   * status) reads its own writes instead of the state before them; the watch
   * brings the same version moments later.
   */
  observe(obj: KubernetesObject): void {
    this.kinds.get(`${obj.apiVersion}/${obj.kind}`)?.observe(obj);
  }

  /** Cached objects of a kind, optionally in one namespace. */
  list(apiVersion: string, kind: string, namespace?: string): readonly KubernetesObject[] {
    return this.kinds.get(`${apiVersion}/${kind}`)?.list(namespace) ?? [];
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): Promise<void> {
    for (const informer of this.kinds.values()) informer.stop();
    return Promise.resolve();
  }

  private async start(apiVersion: string, kind: string, key: string): Promise<boolean> {
    const path = await this.client.collectionPath(apiVersion, kind);
    if (!path) return false;
    const informer = new Informer(
      this.client,
      path,
      apiVersion,
      kind,
      this.log.with({ kind: key }),
    );
    informer.onChange = (type, obj) => {
      for (const l of this.listeners) l(type, obj);
    };
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
 * List, then watch from the list's resourceVersion, for one kind: client-go's
 * reflector in small. A watch that ends is resumed where it left off; one the
 * server no longer can resume (410 Gone) or that failed lists again, and the
 * difference to what was cached is reported as changes. Objects are kept
 * trimmed (see `trimmed`).
 */
class Informer {
  onChange: ChangeListener = () => undefined;
  private readonly objects = new Map<string, KubernetesObject>();
  private resourceVersion = "";
  private readonly abort = new AbortController();

  constructor(
    private readonly client: ClusterClient,
    private readonly path: string,
    private readonly apiVersion: string,
    private readonly kind: string,
    private readonly log: Logger,
  ) {}

  /** Lists once (rejecting when that fails), then keeps watching in the background until `stop`. */
  async start(): Promise<void> {
    await this.relist();
    void this.run();
  }

  get(name: string, namespace?: string): KubernetesObject | undefined {
    return this.objects.get(keyOf(namespace, name));
  }

  observe(obj: KubernetesObject): void {
    const key = keyOf(obj.metadata?.namespace, obj.metadata?.name);
    if (!isOlder(obj, this.objects.get(key))) this.objects.set(key, this.typed(obj));
  }

  list(namespace?: string): KubernetesObject[] {
    const all = [...this.objects.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === namespace);
  }

  stop(): void {
    this.abort.abort();
  }

  private async run(): Promise<void> {
    let failures = 0;
    let mustList = false;
    while (!this.abort.signal.aborted) {
      try {
        if (mustList) await this.relist();
        mustList = false;
        const startedAt = Date.now();
        await this.client.watch(
          this.path,
          {
            labelSelector: managedSelector,
            resourceVersion: this.resourceVersion,
            allowWatchBookmarks: true,
            // Ends the stream now and then, as client-go does, so a half-dead connection is noticed.
            timeoutSeconds: 300 + Math.floor(Math.random() * 300),
          },
          (event) => this.handle(event),
          this.abort.signal,
        );
        failures = 0;
        // A stream that ends at once (a proxy closing it) must not become a busy loop.
        if (Date.now() - startedAt < 1000) await sleep(1000, this.abort.signal);
      } catch (err) {
        if (this.abort.signal.aborted) return;
        mustList = true;
        if (err instanceof KubeApiError && err.statusCode === 410) {
          // The resourceVersion is too old to resume from: list again at once.
          continue;
        }
        failures++;
        const delayMs = Math.min(5000, 500 * 2 ** Math.min(failures - 1, 4));
        // The watch broke (API server restart, network): list again shortly.
        this.log.warn("watch failed, restarting", { error: describeError(err), delayMs });
        await sleep(delayMs, this.abort.signal);
      }
    }
  }

  private handle(event: WatchEvent): void {
    if (event.type === "ERROR") {
      const status = event.object as ApiStatus;
      throw new KubeApiError(status.code ?? 500, status, `watch ${this.path}`);
    }
    const obj = event.object as KubernetesObject;
    const rv = obj.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (event.type === "BOOKMARK") return;
    const key = keyOf(obj.metadata?.namespace, obj.metadata?.name);
    const typed = this.typed(obj);
    if (event.type === "DELETED") {
      this.objects.delete(key);
      this.onChange("delete", typed);
      return;
    }
    const before = this.objects.get(key);
    // A write of ours may have put a newer version here already (observe), or this very
    // version: then nothing changed that we did not know, and no sync is woken for it.
    if (isOlder(typed, before)) return;
    if (rv && before?.metadata?.resourceVersion === rv) return;
    const known = before !== undefined;
    this.objects.set(key, typed);
    this.onChange(known ? "update" : "add", typed);
  }

  /** Lists, replaces the cache, and reports what changed since the last list or watch event. */
  private async relist(): Promise<void> {
    const { items, resourceVersion } = await this.client.list(this.apiVersion, this.kind, {
      labelSelector: managedSelector,
    });
    const seen = new Set<string>();
    const changes: [ChangeType, KubernetesObject][] = [];
    for (const item of items) {
      const key = keyOf(item.metadata?.namespace, item.metadata?.name);
      seen.add(key);
      const before = this.objects.get(key);
      const obj = this.typed(item);
      this.objects.set(key, obj);
      if (!before) changes.push(["add", obj]);
      else if (before.metadata?.resourceVersion !== obj.metadata?.resourceVersion)
        changes.push(["update", obj]);
    }
    for (const [key, obj] of this.objects) {
      if (!seen.has(key)) {
        this.objects.delete(key);
        changes.push(["delete", obj]);
      }
    }
    this.resourceVersion = resourceVersion;
    for (const [type, obj] of changes) this.onChange(type, obj);
  }

  private typed(obj: KubernetesObject): KubernetesObject {
    return trimmed({ ...obj, apiVersion: this.apiVersion, kind: this.kind });
  }
}

/**
 * True when `obj` is an older version than `than`. Resource versions are opaque
 * to clients in general; the API server's are etcd revisions, so they compare as
 * numbers, and anything else counts as not older.
 */
function isOlder(obj: KubernetesObject, than: KubernetesObject | undefined): boolean {
  const a = Number(obj.metadata?.resourceVersion);
  const b = Number(than?.metadata?.resourceVersion);
  return Number.isSafeInteger(a) && Number.isSafeInteger(b) && a < b;
}

function keyOf(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ""}/${name ?? ""}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
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
