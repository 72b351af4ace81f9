// The notification settings `kubefox-gitops run` reads once (issue 14): the
// public URL for links, status tokens, provider overrides for self-hosted
// hosts, and the receivers' URLs (secrets, by the name Notification files use).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { statusProviders, type StatusApiOverride, type StatusProvider } from "./status-target.js";
import type { StatusTokens } from "./tokens.js";

export interface Receiver {
  readonly url: string;
  /** A generic receiver's HMAC-SHA256 key. */
  readonly secret?: string;
}

export interface NotifySettings {
  /** The controller's URL as people reach it: links to the dashboard's pages. */
  readonly publicUrl: string | undefined;
  readonly statusTokens: StatusTokens;
  readonly statusApis: readonly StatusApiOverride[];
  /** By receiver name. */
  readonly receivers: ReadonlyMap<string, Receiver>;
}

export const receiverEnvPrefix = "KUBEFOX_GITOPS_RECEIVER_";

/** `HOST=PROVIDER` or `HOST=PROVIDER:BASE_URL`; throws an Error saying what is wrong. */
export function parseStatusApi(value: string): StatusApiOverride {
  const match = /^([^=\s]+)=([a-z-]+)(?::(.+))?$/.exec(value.trim());
  if (!match) throw new Error("use HOST=PROVIDER or HOST=PROVIDER:BASE_URL");
  const provider = match[2] as StatusProvider;
  if (!statusProviders.includes(provider))
    throw new Error(`unknown provider ${match[2]}; one of ${statusProviders.join(", ")}`);
  const apiBase = match[3];
  if (apiBase !== undefined && !/^https?:\/\/[^/@\s]+(\/\S*)?$/.test(apiBase))
    throw new Error("the base must be an http(s) URL without credentials");
  return { host: match[1]!.toLowerCase(), provider, ...(apiBase ? { apiBase } : {}) };
}

/** The env variable of a receiver: `team-chat` → KUBEFOX_GITOPS_RECEIVER_TEAM_CHAT. */
export function receiverEnvName(name: string): string {
  return `${receiverEnvPrefix}${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

/**
 * Receivers from a folder (one file per receiver name: its URL on the first
 * line, a generic receiver's signing secret on the second, as a mounted
 * Kubernetes Secret lays them out) and from KUBEFOX_GITOPS_RECEIVER_<NAME>
 * (URL) with KUBEFOX_GITOPS_RECEIVER_<NAME>_SECRET; the environment wins.
 * Names are looked up as receiverEnvName spells them.
 */
export function readReceivers(
  dir: string | undefined,
  env: NodeJS.ProcessEnv,
): Map<string, Receiver> {
  const byEnvName = new Map<string, Receiver>();
  if (dir) {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue; // a mounted Secret's ..data links
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      let text: string;
      try {
        text = readFileSync(path.join(dir, entry.name), "utf8");
      } catch {
        continue; // a folder behind a link
      }
      const [url, secret] = text.split("\n").map((l) => l.trim());
      if (url) byEnvName.set(receiverEnvName(entry.name), { url, ...(secret ? { secret } : {}) });
    }
  }
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(receiverEnvPrefix) || name.endsWith("_SECRET") || !value) continue;
    const secret = env[`${name}_SECRET`];
    byEnvName.set(name, { url: value.trim(), ...(secret ? { secret } : {}) });
  }
  return byEnvName;
}

/** The receiver a Notification names. */
export function receiverFor(settings: NotifySettings, name: string): Receiver | undefined {
  return settings.receivers.get(receiverEnvName(name));
}
