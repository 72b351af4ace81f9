// Where `kubefox-gitops get` reads from: a running controller's read-only
// status API (README, "Read-only status API"), or, without one, the status
// ConfigMaps the controller keeps in each platform's namespace
// (controller/status/store.ts), listed across namespaces through the one
// cluster client. Both give a Snapshot of the status API's own types.
import { StatusReadError } from "../../errors.js";
import type { V1ConfigMap } from "@kubernetes/client-node";
import { API_VERSION } from "../../../schemas/common.js";
import type { PlatformObject } from "../../../schemas/api/platform-object.js";
import type { StoredStatus } from "../../../schemas/status/stored-status.js";
import { ClusterClient } from "../../cluster/client.js";
import { labels, managedSelector } from "../../cluster/labels.js";
import { loadConnection } from "../../cluster/kubeconfig.js";
import { silentLogger } from "../../log.js";
import { statusConfigMapName } from "../../status/store.js";
import { apiBase } from "../../../webhooks/api/types.js";
import type { PlatformRecord, Snapshot, SystemHead } from "./get-records.js";

export interface Source {
  /** Where it reads from, for messages. */
  readonly where: string;
  read(what: { repositories: boolean }): Promise<Snapshot>;
}

// --- the status API ---------------------------------------------------------

export function serverSource(
  url: string,
  token: string | undefined,
): Source & {
  events(signal: AbortSignal, onEvent: () => void): Promise<void>;
} {
  const base = url.replace(/\/+$/, "");
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};

  async function answer(path: string, init: RequestInit = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${base}${apiBase}/${path}`, { ...init, headers });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new StatusReadError(
        `cannot reach ${base}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
      );
    }
    if (res.status === 401)
      throw new StatusReadError(
        `${base} refused the request (401): give its token with --token-file or KUBEFOX_GITOPS_API_TOKEN`,
      );
    return res;
  }

  async function data<T>(path: string): Promise<T> {
    const res = await answer(path);
    const body = (await res.json().catch(() => undefined)) as
      { isError?: boolean; msg?: string; data?: T } | undefined;
    if (!res.ok || !body || body.isError || body.data === undefined)
      throw new StatusReadError(
        `GET ${apiBase}/${path}: ${res.status} ${body?.msg ?? res.statusText}`,
      );
    return body.data;
  }

  return {
    where: base,
    async read({ repositories }) {
      const names = await data<string[]>("platform");
      const objects = await Promise.all(
        names.map((n) => data<PlatformObject>(`platform/${encodeURIComponent(n)}`)),
      );
      const snapshot: Snapshot = { platforms: objects.map(fromPlatformObject) };
      if (repositories) {
        const systems = await data<string[]>("system");
        snapshot.repositories = await Promise.all(
          systems.map((s) => data<SystemHead>(`system/${encodeURIComponent(s)}`)),
        );
      }
      return snapshot;
    },
    /** Follows `events` (server-sent events), calling onEvent for each, until aborted or closed. */
    async events(signal, onEvent) {
      const res = await answer("events", { signal });
      if (!res.ok || !res.body) throw new StatusReadError(`GET ${apiBase}/events: ${res.status}`);
      const decoder = new TextDecoder();
      let buffered = "";
      try {
        for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
          buffered += decoder.decode(chunk, { stream: true });
          const frames = buffered.split("\n\n");
          buffered = frames.pop() ?? "";
          // A frame with data is an event; comments (keep-alives) are not.
          if (frames.some((f) => f.split("\n").some((l) => l.startsWith("data:")))) onEvent();
        }
      } catch (err) {
        if (!signal.aborted) throw err;
      }
    },
  };
}

function fromPlatformObject(p: PlatformObject): PlatformRecord {
  return {
    name: p.metadata.name,
    namespace: p.namespace,
    system: p.system,
    ...(p.status.lastSyncTime ? { lastSyncTime: p.status.lastSyncTime } : {}),
    ...(p.status.lastError ? { lastError: p.status.lastError } : {}),
    deployments: p.status.deployments,
    releases: p.status.releases,
  };
}

// --- the status ConfigMaps ---------------------------------------------------

export function clusterSource(kubeconfig: string | undefined, context: string | undefined): Source {
  const connection = loadConnection({
    ...(kubeconfig ? { file: kubeconfig } : {}),
    ...(context ? { context } : {}),
  });
  const client = new ClusterClient(connection, {
    log: silentLogger,
    mayWrite: () => false,
    retry: { attempts: 2, baseMs: 200, maxMs: 500 },
  });
  return {
    where: `cluster ${connection.name} (${connection.server})`,
    async read() {
      let items;
      try {
        ({ items } = await client.list("v1", "ConfigMap", { labelSelector: managedSelector }));
      } catch (err) {
        throw new StatusReadError(
          `cannot list the status ConfigMaps in ${connection.server}: ${(err as Error).message}`,
        );
      }
      const platforms = (items as V1ConfigMap[])
        .filter((cm) => cm.metadata?.name === statusConfigMapName)
        .map(fromConfigMap)
        .filter((p) => p !== undefined)
        .sort((a, b) => a.name.localeCompare(b.name));
      return { platforms };
    },
  };
}

/** A platform from its status ConfigMap; undefined when its status.json is unreadable. */
export function fromConfigMap(cm: V1ConfigMap): PlatformRecord | undefined {
  const name = cm.metadata?.labels?.[labels.platform];
  const namespace = cm.metadata?.namespace ?? "";
  let stored: StoredStatus;
  try {
    stored = JSON.parse(cm.data?.["status.json"] ?? "") as StoredStatus;
  } catch {
    return undefined;
  }
  if (!name || !Array.isArray(stored.deployments)) return undefined;
  const common = { apiVersion: API_VERSION, platform: name, system: stored.system } as const;
  return {
    name,
    namespace,
    system: stored.system,
    deployments: stored.deployments.map(({ ref, environment, ...outcome }) => ({
      kind: "Deployment",
      ...common,
      ref,
      ...(environment ? { environment } : {}),
      status: { ready: outcome.state === "Ready", ...outcome },
    })),
    releases: Object.values(stored.releases ?? {}).map((state) => ({
      kind: "Release",
      ...common,
      environment: state.environment,
      ref: state.ref,
      status: state,
    })),
  };
}
