// The one module that talks to a cluster's API server. Every read and write goes
// through here, so retries, the bound on parallel calls, the count of writes
// and the leader's write guard live in one place. Writes use server-side apply
// with our field manager.
import type { KubernetesObject } from "@kubernetes/client-node";
import { ClusterUnavailableError, describeError, NotLeaderError } from "../errors.js";
import type { Logger } from "../log.js";
import { KubeApiError, KubeHttp, type WatchEvent } from "./http.js";
import type { Connection } from "./kubeconfig.js";
import { fieldManager } from "./labels.js";
import { limiter } from "./limit.js";
import { isTransient, withRetry, type RetryOptions } from "./retry.js";

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface ResourceInfo {
  /** Plural resource name, for URLs and watches. */
  plural: string;
  namespaced: boolean;
}

export function refOf(obj: KubernetesObject): ObjectRef {
  return {
    apiVersion: obj.apiVersion ?? "",
    kind: obj.kind ?? "",
    name: obj.metadata?.name ?? "",
    ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
  };
}

export function refKey(ref: ObjectRef): string {
  return `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ""}/${ref.name}`;
}

export interface ClusterClientOptions {
  log: Logger;
  /** Parallel API calls at most (default 16). */
  concurrency?: number;
  /** Per-request timeout in ms (default 30 s). */
  timeoutMs?: number;
  /** Backoff of a failing call (defaults in retry.ts: 6 attempts from 200 ms); tests shorten it. */
  retry?: Pick<RetryOptions, "attempts" | "baseMs" | "maxMs">;
  /**
   * May this process write now? Asked when a write (apply, create, delete) is
   * called and again right before each of its attempts goes out, so a write
   * that waited (for a free slot, a retry, a process frozen and woken) never
   * goes out after the answer turned to no. No: the write fails with
   * NotLeaderError. Leader election passes "I hold the Lease" (issue 7);
   * without a guard every write may go. Reads are never refused.
   */
  mayWrite?: () => boolean;
}

/** A coordination.k8s.io/v1 Lease's spec, as the API keeps it (MicroTime fields are strings). */
export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface LeaseObject {
  metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> };
  spec?: LeaseSpec;
}

/** A Lease as listed. */
export interface LeaseItem {
  name: string;
  resourceVersion: string;
  annotations: Record<string, string>;
  spec: LeaseSpec;
}

/** Objects per page of a list: Kubernetes' own clients (client-go's pager) use 500. */
export const LIST_PAGE_SIZE = 500;
/** Lists started again after a continue token expired, before the 410 is passed on. */
const LIST_RESTARTS = 3;

interface ListPage {
  items?: KubernetesObject[];
  metadata?: { resourceVersion?: string; continue?: string };
}

/** Per-call bound of a Lease call: one still pending after this is worth nothing to the election. */
const leaseTimeoutMs = 5000;

export class ClusterClient {
  /** Writes sent (apply, create, delete), for metrics and the no-op tests. */
  writes = 0;
  private readonly http: KubeHttp;
  private readonly run: <T>(task: () => Promise<T>) => Promise<T>;
  /** Discovery, per group-version: kind → resource (a promise, so concurrent callers share one request). */
  private readonly discovered: Map<string, Promise<Map<string, ResourceInfo> | undefined>>;
  /** Whether the API server is known to be down: shared with every guarded view. */
  private readonly health: { downSince: number | undefined };
  /** The client a guarded view was made from: its guard applies too, and it counts the view's writes. */
  private readonly parent: ClusterClient | undefined;

  constructor(
    readonly connection: Connection,
    private readonly options: ClusterClientOptions,
    parent?: ClusterClient,
  ) {
    this.parent = parent;
    this.http =
      parent?.http ?? new KubeHttp(connection, { timeoutMs: options.timeoutMs ?? 30_000 });
    this.run = parent?.run ?? limiter(options.concurrency ?? 16);
    this.discovered = parent?.discovered ?? new Map();
    this.health = parent?.health ?? { downSince: undefined };
  }

  /**
   * The same client (connections, bound on parallel calls, discovery, health)
   * whose writes also need `mayWrite`: with sharding (issue 17) each platform
   * writes through a view guarded by "this replica holds the platform's shard".
   * Its writes are counted in both.
   */
  guarded(mayWrite: () => boolean): ClusterClient {
    return new ClusterClient(this.connection, { ...this.options, mayWrite }, this);
  }

  /** The API server's URL, for messages. */
  get server(): string {
    return this.connection.server;
  }

  /** May this process write through this client now? (Always, without a guard.) */
  mayWrite(): boolean {
    return (this.parent?.mayWrite() ?? true) && (this.options.mayWrite?.() ?? true);
  }

  /** Server-side apply, forcing ownership of the fields we set. */
  async apply<T extends KubernetesObject>(obj: T): Promise<T> {
    const what = `apply ${describe(obj)}`;
    this.guard(what);
    this.counted();
    // Paths are resolved before taking a slot: discovery takes one of its own.
    const path = await this.objectPath(refOf(obj));
    return this.write(what, () =>
      this.http.request<T>("PATCH", path, {
        query: { fieldManager, force: true },
        body: obj,
        contentType: "application/apply-patch+yaml",
      }),
    );
  }

  /**
   * What `apply` would make of the object, from a server-side dry run (dryRun=All)
   * with the same field manager and force: admission and defaulting run, nothing
   * is stored. Not a write: neither counted in `writes` nor refused by the write
   * guard, so `kubefox-gitops diff` runs beside a controller that leads (issue 15).
   */
  async dryRunApply<T extends KubernetesObject>(obj: T): Promise<T> {
    const path = await this.objectPath(refOf(obj));
    return this.call(`dry-run apply ${describe(obj)}`, () =>
      this.http.request<T>("PATCH", path, {
        query: { fieldManager, force: true, dryRun: "All" },
        body: obj,
        contentType: "application/apply-patch+yaml",
      }),
    );
  }

  /** Creates the object unless it exists; returns whether it was created. */
  async createIfMissing(obj: KubernetesObject): Promise<boolean> {
    const what = `create ${describe(obj)}`;
    this.guard(what);
    this.counted();
    try {
      const path = await this.collectionPathOf(refOf(obj));
      await this.write(what, () =>
        this.http.request("POST", path, {
          query: { fieldManager },
          body: obj,
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 409) return false;
      throw err;
    }
  }

  async get(ref: ObjectRef): Promise<KubernetesObject | undefined> {
    try {
      const path = await this.objectPath(ref);
      return await this.call(`get ${describe(ref)}`, () =>
        this.http.request<KubernetesObject>("GET", path),
      );
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  /**
   * Every object of a kind (in a namespace, by labels), read in pages of
   * `pageSize` (default LIST_PAGE_SIZE) with `limit` and `continue`, so a
   * namespace of tens of thousands of objects never arrives as one answer
   * (issue 16). The pages are one consistent snapshot; when the server has
   * let the continue token expire (410 Gone, after etcd compaction) the list
   * starts again from the first page.
   */
  async list(
    apiVersion: string,
    kind: string,
    options: { namespace?: string; labelSelector?: string; pageSize?: number } = {},
  ): Promise<{ items: KubernetesObject[]; resourceVersion: string }> {
    const path = await this.collectionPath(apiVersion, kind, options.namespace);
    if (!path) throw notServed(apiVersion, kind, `list ${kind}`);
    const limit = options.pageSize ?? LIST_PAGE_SIZE;
    for (let restart = 0; ; restart++) {
      const items: KubernetesObject[] = [];
      let token: string | undefined;
      try {
        for (;;) {
          const page = await this.call(`list ${kind}`, () =>
            this.http.request<ListPage>("GET", path, {
              query: { labelSelector: options.labelSelector, limit, continue: token },
            }),
          );
          for (const item of page.items ?? []) items.push({ ...item, apiVersion, kind });
          token = page.metadata?.continue || undefined;
          if (!token) return { items, resourceVersion: page.metadata?.resourceVersion ?? "" };
        }
      } catch (err) {
        const expired = token && err instanceof KubeApiError && err.statusCode === 410;
        if (!expired || restart >= LIST_RESTARTS) throw err;
        this.options.log.info("list continue token expired; listing again from the start", {
          kind,
          server: this.server,
        });
      }
    }
  }

  /** Deletes the object (background propagation); false when it was already gone. */
  async delete(ref: ObjectRef): Promise<boolean> {
    const what = `delete ${describe(ref)}`;
    this.guard(what);
    this.counted();
    try {
      const path = await this.objectPath(ref);
      await this.write(what, () =>
        this.http.request("DELETE", path, {
          body: { apiVersion: "v1", kind: "DeleteOptions", propagationPolicy: "Background" },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 404) return false;
      throw err;
    }
  }

  /** Streams a watch of a collection (see KubeHttp.watch); no retries: the caller lists again. */
  watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (event: WatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    return this.http.watch(path, query, onEvent, signal);
  }

  /** Plural name and scope of a kind, from discovery (cached per group-version). */
  async resource(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    let group = this.discovered.get(apiVersion);
    if (!group) {
      group = this.discover(apiVersion);
      this.discovered.set(apiVersion, group);
      // A failure is not remembered: the next caller asks again.
      group.catch(() => this.discovered.delete(apiVersion));
    }
    const kinds = await group;
    const known = kinds?.get(kind);
    // A kind the server did not have when we asked (a CRD installed since): ask again next time.
    if (kinds && !known) this.discovered.delete(apiVersion);
    return known;
  }

  /** The URL path of a collection, for list-and-watch. */
  async collectionPath(
    apiVersion: string,
    kind: string,
    namespace?: string,
  ): Promise<string | undefined> {
    const info = await this.resource(apiVersion, kind);
    return info && pathOf(apiVersion, info, namespace);
  }

  // The leader Lease: leader election's own bookkeeping in the controller's
  // namespace, not a managed object. Never refused by the write guard (taking
  // the Lease is how a replica comes to write), not counted as a sync's write,
  // not queued behind applies, and not retried: a renewal that is late is
  // worth nothing, and the elector's next round tries again.

  /** The Lease's spec and resourceVersion; undefined when there is none. */
  async getLease(
    namespace: string,
    name: string,
  ): Promise<{ spec: LeaseSpec; resourceVersion: string } | undefined> {
    try {
      const lease = await this.http.request<{
        metadata?: { resourceVersion?: string };
        spec?: LeaseSpec;
      }>("GET", leasePath(namespace, name), { timeoutMs: leaseTimeoutMs });
      return { spec: lease.spec ?? {}, resourceVersion: lease.metadata?.resourceVersion ?? "" };
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  /** Creates the Lease (with `labels`, to be listed by them); false when someone else created it first. */
  createLease(
    namespace: string,
    name: string,
    spec: LeaseSpec,
    labels?: Record<string, string>,
  ): Promise<boolean> {
    return this.leaseWrite(
      "POST",
      leasePath(namespace),
      leaseBody(namespace, name, spec, undefined, labels),
    );
  }

  /** The Leases of `namespace` with the labels of `labelSelector` (shards and members, issue 17). */
  async listLeases(namespace: string, labelSelector: string): Promise<LeaseItem[]> {
    const list = await this.http.request<{ items?: LeaseObject[] }>("GET", leasePath(namespace), {
      query: { labelSelector },
      timeoutMs: leaseTimeoutMs,
    });
    return (list.items ?? []).map((l) => ({
      name: l.metadata?.name ?? "",
      resourceVersion: l.metadata?.resourceVersion ?? "",
      annotations: l.metadata?.annotations ?? {},
      spec: l.spec ?? {},
    }));
  }

  /** Deletes the Lease (a member Lease of a replica that stops); false when it was gone. */
  async deleteLease(namespace: string, name: string): Promise<boolean> {
    try {
      await this.http.request("DELETE", leasePath(namespace, name), { timeoutMs: leaseTimeoutMs });
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 404) return false;
      throw err;
    }
  }

  /** Merges annotations into the Lease (no resourceVersion: writers never conflict). */
  async annotateLease(
    namespace: string,
    name: string,
    annotations: Record<string, string>,
  ): Promise<void> {
    await this.http.request("PATCH", leasePath(namespace, name), {
      body: { metadata: { annotations } },
      contentType: "application/merge-patch+json",
      timeoutMs: leaseTimeoutMs,
    });
  }

  /** Replaces the Lease's spec; false when it changed since `resourceVersion` (optimistic concurrency). */
  updateLease(
    namespace: string,
    name: string,
    spec: LeaseSpec,
    resourceVersion: string,
    labels?: Record<string, string>,
  ): Promise<boolean> {
    return this.leaseWrite(
      "PUT",
      leasePath(namespace, name),
      leaseBody(namespace, name, spec, resourceVersion, labels),
    );
  }

  /** Forgets idle connections (at shutdown). */
  close(): void {
    this.http.close();
  }

  private async leaseWrite(method: string, path: string, body: object): Promise<boolean> {
    try {
      await this.http.request(method, path, { body, timeoutMs: leaseTimeoutMs });
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 409) return false;
      throw err;
    }
  }

  private counted(): void {
    this.writes++;
    if (this.parent) this.parent.writes++;
  }

  /** Refuses a write while this process may not write (see ClusterClientOptions.mayWrite). */
  private guard(what: string): void {
    if (!this.mayWrite()) throw new NotLeaderError(what);
  }

  /** A write call: guarded again right before each attempt goes out. */
  private write<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return this.call(what, async () => {
      this.guard(what);
      return fn();
    });
  }

  private async discover(apiVersion: string): Promise<Map<string, ResourceInfo> | undefined> {
    const path = groupVersionPath(apiVersion);
    try {
      const list = await this.call(`discover ${apiVersion}`, () =>
        this.http.request<{ resources?: { name: string; kind: string; namespaced: boolean }[] }>(
          "GET",
          path,
        ),
      );
      const kinds = new Map<string, ResourceInfo>();
      for (const r of list.resources ?? []) {
        // Subresources (deployments/status) share their parent's kind.
        if (!r.name.includes("/")) kinds.set(r.kind, { plural: r.name, namespaced: r.namespaced });
      }
      return kinds;
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  /** The collection an object belongs to; a namespaced object without a namespace goes to the context's (or "default"), as kubectl does. */
  private async collectionPathOf(ref: ObjectRef): Promise<string> {
    const info = await this.resource(ref.apiVersion, ref.kind);
    if (!info) throw notServed(ref.apiVersion, ref.kind, describe(ref));
    const namespace = ref.namespace ?? this.connection.namespace ?? "default";
    return pathOf(ref.apiVersion, info, namespace);
  }

  private async objectPath(ref: ObjectRef): Promise<string> {
    return `${await this.collectionPathOf(ref)}/${encodeURIComponent(ref.name)}`;
  }

  /**
   * Is the API server known to be down? Set when a call gave up after all its
   * retries; cleared by the next call that gets an answer. While set, each call
   * tries once: a sync against a dead cluster fails in one round trip per call,
   * not six seconds of backoff each, and every call is a probe of recovery.
   */
  get unavailable(): boolean {
    return this.health.downSince !== undefined;
  }

  private call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return this.run(() =>
      withRetry(fn, {
        ...this.options.retry,
        ...(this.unavailable ? { attempts: 1 } : {}),
        onRetry: (err, attempt, delay) =>
          this.options.log.warn("cluster call failed, retrying", {
            call: what,
            server: this.server,
            attempt,
            delayMs: delay,
            error: describeError(err),
          }),
      }).then(
        (answer) => {
          this.answered();
          return answer;
        },
        (err: unknown) => {
          if (!isTransient(err)) {
            // An error status is an answer too: the server is up.
            if (err instanceof KubeApiError) this.answered();
            throw err;
          }
          if (this.health.downSince === undefined) {
            this.health.downSince = Date.now();
            this.options.log.warn("cluster unavailable: calls fail at once until one is answered", {
              server: this.server,
              error: describeError(err),
            });
          }
          throw new ClusterUnavailableError(`${what} on ${this.server}: ${apiMessage(err)}`, {
            cause: err,
          });
        },
      ),
    );
  }

  private answered(): void {
    const since = this.health.downSince;
    if (since === undefined) return;
    this.options.log.info("cluster answers again", {
      server: this.server,
      downMs: Date.now() - since,
    });
    this.health.downSince = undefined;
  }
}

/** `/api/v1` or `/apis/<group>/<version>`. */
function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** The Leases of `namespace`, or one of them. */
function leasePath(namespace: string, name?: string): string {
  const collection = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
  return name === undefined ? collection : `${collection}/${encodeURIComponent(name)}`;
}

function leaseBody(
  namespace: string,
  name: string,
  spec: LeaseSpec,
  resourceVersion?: string,
  labels?: Record<string, string>,
) {
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: {
      name,
      namespace,
      ...(resourceVersion ? { resourceVersion } : {}),
      ...(labels ? { labels } : {}),
    },
    spec,
  };
}

/** A collection's path: in `namespace` when the kind is namespaced and one is given. */
function pathOf(apiVersion: string, info: ResourceInfo, namespace?: string): string {
  const base = groupVersionPath(apiVersion);
  return info.namespaced && namespace
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${info.plural}`
    : `${base}/${info.plural}`;
}

function notServed(apiVersion: string, kind: string, what: string): KubeApiError {
  return new KubeApiError(
    404,
    { message: `the server does not serve ${apiVersion} ${kind}` },
    what,
  );
}

function describe(obj: KubernetesObject | ObjectRef): string {
  const o = obj as {
    kind?: string;
    metadata?: { name?: string; namespace?: string };
    name?: string;
    namespace?: string;
  };
  const name = o.metadata?.name ?? o.name;
  const ns = o.metadata?.namespace ?? o.namespace;
  return `${o.kind}${ns ? ` ${ns}/` : " "}${name}`;
}

/** The API server's own message of a failed call (its Status), or the error's. */
export function apiMessage(err: unknown): string {
  if (err instanceof KubeApiError) return `${err.statusCode} ${err.status?.message ?? ""}`.trim();
  return describeError(err);
}
