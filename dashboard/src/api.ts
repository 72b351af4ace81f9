// The one typed client of the status API (issue 13): every read the dashboard
// makes goes through here, with the bearer token when one was given. Types
// come from the status contract in schemas/ (the same the server answers
// with), never a copy.
import type { ErrorAnswer } from "../../schemas/api/envelope.js";
import type { PlatformObject } from "../../schemas/api/platform-object.js";
import type { SystemHead } from "../../schemas/api/system-head.js";
import type { SystemObject } from "../../schemas/api/system-object.js";
import type { Topology } from "../../schemas/api/topology.js";

export type { PlatformObject, SystemHead, SystemObject, Topology };
export type DeploymentObject = PlatformObject["status"]["deployments"][number];
export type ReleaseObject = PlatformObject["status"]["releases"][number];
export type ReleaseStatus = NonNullable<ReleaseObject["status"]>;
export type UnmanagedObject = PlatformObject["status"]["unmanaged"][number];

export const apiBase = "/api/kubefox/v0";

/** A refused or failed read, with the HTTP status (401: the token is missing or wrong). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly validationErrors: string[] = [],
  ) {
    super(message);
  }
}

const tokenKey = "kubefox-gitops.token";

/** The token lives in sessionStorage only: gone when the browser session ends, never in a URL. */
export const token = {
  get: (): string | undefined => sessionStorage.getItem(tokenKey) ?? undefined,
  set: (value: string) => sessionStorage.setItem(tokenKey, value),
  clear: () => sessionStorage.removeItem(tokenKey),
};

export function authHeaders(): Record<string, string> {
  const t = token.get();
  return t ? { Authorization: `Bearer ${t}` } : {};
}

async function get<T>(path: string): Promise<T> {
  const res = await fetch(apiBase + path, {
    headers: { Accept: "application/json", ...authHeaders() },
    cache: "no-store",
  });
  let body: { data?: T } & Partial<ErrorAnswer>;
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new ApiFailure(res.status, `${path}: answered ${res.status} without JSON`);
  }
  if (!res.ok || body.isError)
    throw new ApiFailure(res.status, body.msg ?? `${path}: ${res.status}`, body.validationErrors);
  return body.data as T;
}

const e = encodeURIComponent;

export const api = {
  platformNames: () => get<string[]>("/platform"),
  platform: (name: string) => get<PlatformObject>(`/platform/${e(name)}`),
  topology: (name: string) => get<Topology>(`/platform/${e(name)}/topology`),
  systemNames: () => get<string[]>("/system"),
  system: (name: string) => get<SystemHead>(`/system/${e(name)}`),
  branches: (system: string) => get<string[]>(`/system/${e(system)}/branch`),
  tags: (system: string) => get<string[]>(`/system/${e(system)}/tag`),
  systemAt: (system: string, id: string) => get<SystemObject>(`/system/${e(system)}/id/${e(id)}`),
};
