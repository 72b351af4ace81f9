// The one module that talks to a cluster's API server. Every read and write goes
// through here, so retries, the bound on parallel calls and the count of writes
// live in one place. Writes use server-side apply with our field manager.
import {
  ApiException,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
  type V1APIResource,
} from "@kubernetes/client-node";
import { ClusterUnavailableError, describeError } from "../errors.js";
import type { Logger } from "../log.js";
import { fieldManager } from "./labels.js";
import { limiter } from "./limit.js";
import { isTransient, withRetry } from "./retry.js";

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

/** Exposes the resource discovery that KubernetesObjectApi keeps to itself (and caches). */
class ObjectApi extends KubernetesObjectApi {
  lookup(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
    return this.resource(apiVersion, kind);
  }
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
}

export class ClusterClient {
  /** Writes sent (apply, create, delete), for metrics and the no-op tests. */
  writes = 0;
  private readonly api: ObjectApi;
  private readonly run: <T>(task: () => Promise<T>) => Promise<T>;
  private readonly resources = new Map<string, ResourceInfo>();

  constructor(
    readonly kubeConfig: KubeConfig,
    private readonly options: ClusterClientOptions,
  ) {
    this.api = kubeConfig.makeApiClient(ObjectApi);
    this.run = limiter(options.concurrency ?? 16);
  }

  /** The API server's URL, for messages. */
  get server(): string {
    return this.kubeConfig.getCurrentCluster()?.server ?? "(unknown)";
  }

  /** Server-side apply, forcing ownership of the fields we set. */
  async apply<T extends KubernetesObject>(obj: T): Promise<T> {
    this.writes++;
    return this.call(`apply ${describe(obj)}`, () =>
      this.api.patch(obj, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply),
    );
  }

  /** Creates the object unless it exists; returns whether it was created. */
  async createIfMissing(obj: KubernetesObject): Promise<boolean> {
    this.writes++;
    try {
      await this.call(`create ${describe(obj)}`, () =>
        this.api.create(obj, undefined, undefined, fieldManager),
      );
      return true;
    } catch (err) {
      if (err instanceof ApiException && err.code === 409) return false;
      throw err;
    }
  }

  async get(ref: ObjectRef): Promise<KubernetesObject | undefined> {
    try {
      return await this.call(`get ${describe(ref)}`, () =>
        this.api.read({
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          metadata: { name: ref.name, namespace: ref.namespace },
        }),
      );
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return undefined;
      throw err;
    }
  }

  async list(
    apiVersion: string,
    kind: string,
    options: { namespace?: string; labelSelector?: string } = {},
  ): Promise<{ items: KubernetesObject[]; resourceVersion: string }> {
    const list = await this.call(`list ${kind}`, () =>
      this.api.list(
        apiVersion,
        kind,
        options.namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        options.labelSelector,
      ),
    );
    return {
      items: list.items.map((item) => ({ ...item, apiVersion, kind })),
      resourceVersion: list.metadata?.resourceVersion ?? "",
    };
  }

  /** Deletes the object (background propagation); false when it was already gone. */
  async delete(ref: ObjectRef): Promise<boolean> {
    this.writes++;
    try {
      await this.call(`delete ${describe(ref)}`, () =>
        this.api.delete(
          {
            apiVersion: ref.apiVersion,
            kind: ref.kind,
            metadata: { name: ref.name, namespace: ref.namespace },
          },
          undefined,
          undefined,
          undefined,
          undefined,
          "Background",
        ),
      );
      return true;
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return false;
      throw err;
    }
  }

  /** Plural name and scope of a kind, from discovery (cached). */
  async resource(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    const key = `${apiVersion}/${kind}`;
    const known = this.resources.get(key);
    if (known) return known;
    const found = await this.call(`discover ${key}`, () => this.api.lookup(apiVersion, kind)).catch(
      (err: unknown) => {
        if (err instanceof ApiException && err.code === 404) return undefined;
        throw err;
      },
    );
    if (!found) return undefined;
    const info = { plural: found.name, namespaced: found.namespaced };
    this.resources.set(key, info);
    return info;
  }

  /** The URL path of a collection, for list-and-watch. */
  async collectionPath(
    apiVersion: string,
    kind: string,
    namespace?: string,
  ): Promise<string | undefined> {
    const info = await this.resource(apiVersion, kind);
    if (!info) return undefined;
    const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    return info.namespaced && namespace
      ? `${base}/namespaces/${namespace}/${info.plural}`
      : `${base}/${info.plural}`;
  }

  private call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    return this.run(() =>
      withRetry(() => withTimeout(fn(), timeoutMs, what), {
        onRetry: (err, attempt, delay) =>
          this.options.log.warn("cluster call failed, retrying", {
            call: what,
            server: this.server,
            attempt,
            delayMs: delay,
            error: describeError(err),
          }),
      }).catch((err: unknown) => {
        if (isTransient(err)) {
          throw new ClusterUnavailableError(`${what} on ${this.server}: ${apiMessage(err)}`, {
            cause: err,
          });
        }
        throw err;
      }),
    );
  }
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

/** The API server's own message of a failed call (its Status body), or the error's. */
export function apiMessage(err: unknown): string {
  if (err instanceof ApiException) {
    const body = (typeof err.body === "string" ? safeParse(err.body) : err.body) as
      { message?: string } | undefined;
    return `${err.code} ${body?.message ?? ""}`.trim();
  }
  return describeError(err);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 300) };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`${what}: no answer in ${ms} ms`);
      err.name = "TimeoutError";
      reject(err);
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
