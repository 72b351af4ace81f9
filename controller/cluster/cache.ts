// A watch-fed cache of the objects we manage on one cluster: one list-and-watch
// per kind, cluster-wide, filtered by our managed-by label. A sync reads live
// state from here instead of the API server, and every change someone else makes
// reaches `onChange`, so drift is undone within seconds, not at the next poll.
//
// Scoped (sharding, issue 17), it holds only the objects of the platforms this
// replica owns (`kubefox.io/platform in (...)`), so a replica's memory and the
// events it handles shrink with its share; every platform's status ConfigMap
// is still watched, so any replica shows every platform as its owner keeps it.
import type { KubernetesObject } from "@kubernetes/client-node";
import { describeError } from "../errors.js";
import type { Logger } from "../log.js";
import type { ClusterClient, ObjectRef } from "./client.js";
import { KubeApiError, type ApiStatus, type WatchEvent } from "./http.js";
import { fieldManager, labels, managedSelector } from "./labels.js";

export type ChangeType = "add" | "update" | "delete";
export type ChangeListener = (type: ChangeType, obj: KubernetesObject) => void;

export interface ManagedCacheOptions {
  /**
   * Hold only the objects of the platforms named through `include` (and every
   * platform's status ConfigMap); default: every managed object.
   */
  scoped?: boolean;
}

/** What the informers hold: every managed object, or those of these platforms. */
type Scope = ReadonlySet<string> | "all";

export class ManagedCache {
  private readonly kinds = new Map<string, Informer>();
  /** Set synchronously, so concurrent callers share one start per kind. */
  private readonly ready = new Map<string, Promise<boolean>>();
  private readonly listeners = new Set<ChangeListener>();
  /** Scoped: the platforms wanted, and those the informers hold now. */
  private readonly wanted = new Set<string>();
  private applied: Scope;
  private scoping: Promise<void> | undefined;
  private dirty = false;
  /** Scoped: every platform's status ConfigMap, whoever owns the platform. */
  private statuses: Informer | undefined;

  constructor(
    private readonly client: ClusterClient,
    private readonly log: Logger,
    options: ManagedCacheOptions = {},
  ) {
    this.applied = options.scoped ? new Set() : "all";
  }

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

  /**
   * Scoped: holds the objects of `platform` from now on, and resolves once
   * every kind watched has listed them. A replica calls it before it writes
   * the platform (it gained the platform's shard). Unscoped: nothing to do.
   */
  async include(platform: string): Promise<void> {
    if (this.applied === "all") return;
    this.wanted.add(platform);
    if (!this.applied.has(platform) || this.scoping) await this.rescope();
  }

  /** Scoped: lets go of the objects of `platform` (another replica owns it now). */
  exclude(platform: string): void {
    if (this.applied === "all" || !this.wanted.delete(platform)) return;
    void this.rescope().catch((err: unknown) =>
      this.log.warn("could not let go of a platform's objects", {
        platform,
        error: describeError(err),
      }),
    );
  }

  get(ref: ObjectRef): KubernetesObject | undefined {
    const key = `${ref.apiVersion}/${ref.kind}`;
    const held = this.kinds.get(key)?.get(ref.name, ref.namespace);
    if (held || key !== "v1/ConfigMap") return held;
    return this.statuses?.get(ref.name, ref.namespace);
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

  /** Objects held, over every kind (the status ConfigMaps of platforms not held too). */
  get size(): number {
    let n = 0;
    for (const informer of this.kinds.values()) n += informer.size;
    const applied = this.applied;
    if (this.statuses && applied !== "all") {
      for (const o of this.statuses.list())
        if (!applied.has(o.metadata?.labels?.[labels.platform] ?? "")) n++;
    }
    return n;
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): Promise<void> {
    for (const informer of this.kinds.values()) informer.stop();
    this.statuses?.stop();
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
      this.applied,
    );
    informer.onChange = (type, obj) => this.emit(type, obj);
    this.kinds.set(key, informer);
    try {
      await informer.start();
      if (key === "v1/ConfigMap" && this.applied !== "all") await this.watchStatuses(path);
    } catch (err) {
      informer.stop();
      this.kinds.delete(key);
      throw err;
    }
    return true;
  }

  /** Scoped: every platform's status ConfigMap; changes of platforms not held are told too. */
  private async watchStatuses(path: string): Promise<void> {
    const statuses = new Informer(
      this.client,
      path,
      "v1",
      "ConfigMap",
      this.log.with({ kind: "v1/ConfigMap", watch: "status" }),
      "all",
      `${managedSelector},${labels.owner}=status`,
    );
    statuses.onChange = (type, obj) => {
      const platform = obj.metadata?.labels?.[labels.platform];
      // Platforms held already hear of it from the ConfigMap informer.
      if (this.applied !== "all" && platform && !this.applied.has(platform)) this.emit(type, obj);
    };
    this.statuses = statuses;
    await statuses.start();
  }

  private emit(type: ChangeType, obj: KubernetesObject): void {
    for (const l of this.listeners) l(type, obj);
  }

  /**
   * Lists every kind again for the wanted platforms. Callers in one tick
   * share a re-list; a change while one runs makes one more.
   */
  private rescope(): Promise<void> {
    this.dirty = true;
    this.scoping ??= (async () => {
      try {
        await new Promise((resolve) => setImmediate(resolve));
        // Until nothing changed meanwhile and every kind (one begun meanwhile too) holds it.
        while (this.dirty || [...this.kinds.values()].some((i) => !i.holds(this.applied))) {
          this.dirty = false;
          const next = new Set(this.wanted);
          await Promise.all([...this.kinds.values()].map((i) => i.rescope(next)));
          this.applied = next;
        }
      } finally {
        this.scoping = undefined;
      }
    })();
    return this.scoping;
  }
}

/**
 * List, then watch from the list's resourceVersion, for one kind: client-go's
 * reflector in small. A watch that ends is resumed where it left off; one the
 * server no longer can resume (410 Gone) or that failed lists again, and the
 * difference to what was cached is reported as changes. Objects are kept
 * trimmed (see `trimmed`). Scoped, it holds the objects of its platforms, and
 * a new scope lists again (`rescope`).
 */
class Informer {
  onChange: ChangeListener = () => undefined;
  private readonly objects = new Map<string, KubernetesObject>();
  private resourceVersion = "";
  private readonly abort = new AbortController();
  /** Ends the watch in flight, when the scope changes. */
  private watchAbort = new AbortController();
  /** Set while a re-scope lists: the watch loop waits for it. */
  private paused: Promise<void> | undefined;
  /** Counts lists begun: of two that overlap, the later one's answer stands. */
  private lists = 0;

  constructor(
    private readonly client: ClusterClient,
    private readonly path: string,
    private readonly apiVersion: string,
    private readonly kind: string,
    private readonly log: Logger,
    private scope: Scope,
    private readonly fixedSelector?: string,
  ) {}

  /** Lists once (rejecting when that fails), then keeps watching in the background until `stop`. */
  async start(): Promise<void> {
    await this.relist(this.scope);
    void this.run();
  }

  get(name: string, namespace?: string): KubernetesObject | undefined {
    return this.objects.get(keyOf(namespace, name));
  }

  get size(): number {
    return this.objects.size;
  }

  holds(scope: Scope): boolean {
    return this.scope === scope;
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
    this.watchAbort.abort();
  }

  /**
   * Holds the objects of `scope` from now on: ends the watch, lists with the
   * new selector, and watches on from there. Changes are told only for
   * platforms held before and after: one that comes or goes is not a change.
   */
  async rescope(scope: Scope): Promise<void> {
    let resume = () => undefined as void;
    this.paused = new Promise<void>((resolve) => (resume = resolve));
    this.watchAbort.abort();
    try {
      await this.relist(scope);
    } finally {
      this.watchAbort = new AbortController();
      this.paused = undefined;
      resume();
    }
  }

  private selector(scope: Scope): string | undefined {
    if (this.fixedSelector) return this.fixedSelector;
    if (scope === "all") return managedSelector;
    if (scope.size === 0) return undefined;
    return `${managedSelector},${labels.platform} in (${[...scope].sort().join(",")})`;
  }

  private async run(): Promise<void> {
    let failures = 0;
    let mustList = false;
    while (!this.abort.signal.aborted) {
      if (this.paused) {
        await this.paused;
        mustList = false;
        continue;
      }
      const selector = this.selector(this.scope);
      const signal = this.watchAbort.signal;
      try {
        if (mustList) await this.relist(this.scope);
        mustList = false;
        if (signal.aborted) continue;
        if (!selector) {
          // Nothing to hold: wait for a scope.
          await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
          continue;
        }
        const startedAt = Date.now();
        await this.client.watch(
          this.path,
          {
            labelSelector: selector,
            resourceVersion: this.resourceVersion,
            allowWatchBookmarks: true,
            // Ends the stream now and then, as client-go does, so a half-dead connection is noticed.
            timeoutSeconds: 300 + Math.floor(Math.random() * 300),
          },
          (event) => this.handle(event),
          AbortSignal.any([this.abort.signal, signal]),
        );
        failures = 0;
        // A stream that ends at once (a proxy closing it) must not become a busy loop.
        if (Date.now() - startedAt < 1000 && !signal.aborted) await sleep(1000, signal);
      } catch (err) {
        if (this.abort.signal.aborted) return;
        if (signal.aborted) continue; // a new scope: rescope lists
        mustList = true;
        if (err instanceof KubeApiError && err.statusCode === 410) {
          // The resourceVersion is too old to resume from: list again at once.
          continue;
        }
        failures++;
        const delayMs = Math.min(5000, 500 * 2 ** Math.min(failures - 1, 4));
        // The watch broke (API server restart, network): list again shortly.
        this.log.warn("watch failed, restarting", { error: describeError(err), delayMs });
        await sleep(delayMs, signal);
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

  /**
   * Lists `scope`, replaces the cache, and reports what changed since the
   * last list or watch event (for platforms in both the old and the new scope).
   */
  private async relist(scope: Scope): Promise<void> {
    const selector = this.selector(scope);
    const started = ++this.lists;
    const { items, resourceVersion } = selector
      ? await this.client.list(this.apiVersion, this.kind, { labelSelector: selector })
      : { items: [], resourceVersion: "" };
    if (started !== this.lists) return; // a later list (a new scope) answers instead
    const before = this.scope;
    const told = (obj: KubernetesObject) => {
      if (before === "all" && scope === "all") return true;
      const platform = obj.metadata?.labels?.[labels.platform] ?? "";
      return (before === "all" || before.has(platform)) && (scope === "all" || scope.has(platform));
    };
    const seen = new Set<string>();
    const changes: [ChangeType, KubernetesObject][] = [];
    for (const item of items) {
      const key = keyOf(item.metadata?.namespace, item.metadata?.name);
      seen.add(key);
      const known = this.objects.get(key);
      const obj = this.typed(item);
      this.objects.set(key, obj);
      if (!told(obj)) continue;
      if (!known) changes.push(["add", obj]);
      else if (known.metadata?.resourceVersion !== obj.metadata?.resourceVersion)
        changes.push(["update", obj]);
    }
    for (const [key, obj] of this.objects) {
      if (!seen.has(key)) {
        this.objects.delete(key);
        if (told(obj)) changes.push(["delete", obj]);
      }
    }
    this.scope = scope;
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
