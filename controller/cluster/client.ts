// The one module that talks to a cluster's API server. Every read and write goes
// through here, so retries, the bound on parallel calls and the count of writes
// live in one place. Writes use server-side apply with our field manager.
import type { KubernetesObject } from "@kubernetes/client-node";
import { ClusterUnavailableError, describeError } from "../errors.js";
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
}

export class ClusterClient {
  /** Writes sent (apply, create, delete), for metrics and the no-op tests. */
  writes = 0;
  readonly http: KubeHttp;
  private readonly run: <T>(task: () => Promise<T>) => Promise<T>;
  /** Discovery, per group-version: kind → resource (a promise, so concurrent callers share one request). */
  private readonly discovered = new Map<string, Promise<Map<string, ResourceInfo> | undefined>>();

  constructor(
    readonly connection: Connection,
    private readonly options: ClusterClientOptions,
  ) {
    this.http = new KubeHttp(connection, { timeoutMs: options.timeoutMs ?? 30_000 });
    this.run = limiter(options.concurrency ?? 16);
  }

  /** The API server's URL, for messages. */
  get server(): string {
    return this.connection.server;
  }

  /** Server-side apply, forcing ownership of the fields we set. */
  async apply<T extends KubernetesObject>(obj: T): Promise<T> {
    this.writes++;
    // Paths are resolved before taking a slot: discovery takes one of its own.
    const path = await this.objectPath(refOf(obj));
    return this.call(`apply ${describe(obj)}`, () =>
      this.http.request<T>("PATCH", path, {
        query: { fieldManager, force: true },
        body: obj,
        contentType: "application/apply-patch+yaml",
      }),
    );
  }

  /** Creates the object unless it exists; returns whether it was created. */
  async createIfMissing(obj: KubernetesObject): Promise<boolean> {
    this.writes++;
    try {
      const path = await this.collectionPathOf(refOf(obj));
      await this.call(`create ${describe(obj)}`, () =>
        this.http.request("POST", path, {
          query: { fieldManager },
          body: obj,
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 409) return false;
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
      if (err instanceof KubeApiError && err.code === 404) return undefined;
      throw err;
    }
  }

  async list(
    apiVersion: string,
    kind: string,
    options: { namespace?: string; labelSelector?: string } = {},
  ): Promise<{ items: KubernetesObject[]; resourceVersion: string }> {
    const path = await this.collectionPath(apiVersion, kind, options.namespace);
    if (!path) throw notServed(apiVersion, kind, `list ${kind}`);
    const list = await this.call(`list ${kind}`, () =>
      this.http.request<{ items?: KubernetesObject[]; metadata?: { resourceVersion?: string } }>(
        "GET",
        path,
        { query: { labelSelector: options.labelSelector } },
      ),
    );
    return {
      items: (list.items ?? []).map((item) => ({ ...item, apiVersion, kind })),
      resourceVersion: list.metadata?.resourceVersion ?? "",
    };
  }

  /** Deletes the object (background propagation); false when it was already gone. */
  async delete(ref: ObjectRef): Promise<boolean> {
    this.writes++;
    try {
      const path = await this.objectPath(ref);
      await this.call(`delete ${describe(ref)}`, () =>
        this.http.request("DELETE", path, {
          body: { apiVersion: "v1", kind: "DeleteOptions", propagationPolicy: "Background" },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 404) return false;
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

  /** Forgets idle connections (at shutdown). */
  close(): void {
    this.http.close();
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
      if (err instanceof KubeApiError && err.code === 404) return undefined;
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
    return this.downSince !== undefined;
  }

  private downSince: number | undefined;

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
          if (this.downSince === undefined) {
            this.downSince = Date.now();
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
    if (this.downSince === undefined) return;
    this.options.log.info("cluster answers again", {
      server: this.server,
      downMs: Date.now() - this.downSince,
    });
    this.downSince = undefined;
  }
}

/** `/api/v1` or `/apis/<group>/<version>`. */
function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
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
  if (err instanceof KubeApiError) return `${err.code} ${err.status?.message ?? ""}`.trim();
  return describeError(err);
}
