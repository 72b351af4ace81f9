// Settings of `kubefox-gitops run`, read once from flags and the environment
// (every flag has a KUBEFOX_GITOPS_* variable; a flag wins), validated, and
// frozen. Nothing deeper reads process.env. Credentials come from a file or the
// environment, never from a flag's value.
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import cron from "node-cron";
import { SettingsError } from "./errors.js";
import type { LogFormat, LogLevel } from "./log.js";
import type { GitCredentials } from "./source/credentials.js";

export interface Settings {
  /** URLs (HTTP or HTTPS) or local paths of the repositories to watch. */
  readonly repos: readonly string[];
  /** The control branch; default: each repository's default branch. */
  readonly branch: string | undefined;
  /** Kubeconfig file; default: KUBECONFIG, ~/.kube/config, or in-cluster. */
  readonly kubeconfig: string | undefined;
  readonly listen: { readonly host: string; readonly port: number };
  /** node-cron schedule of fetches. */
  readonly poll: string;
  /** The shared secret webhooks are signed with; undefined: webhooks are refused. */
  readonly webhookSecret: string | undefined;
  /** Bearer token the status API asks for; undefined: the API is open. */
  readonly apiToken: string | undefined;
  readonly stateDir: string;
  readonly credentials: GitCredentials | undefined;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  /** Leader election (issue 7); undefined when off, the default for a local run. */
  readonly leaderElection: LeaderElectionSettings | undefined;
}

/**
 * Two or more replicas elect one leader with a coordination.k8s.io/v1 Lease;
 * only the leader writes to clusters (controller/cluster/leader.ts). The times are
 * client-go's defaults (15 s, 10 s, 2 s): a leader that cannot renew for
 * `renewDeadlineMs` stops writing, and the others take over once the Lease has
 * not changed for `leaseDurationMs`; the gap between the two is the margin for
 * a slow clock or a stalled process.
 */
export interface LeaderElectionSettings {
  /** Namespace of the Lease (the controller's own, in a cluster). */
  readonly namespace: string;
  /** Name of the Lease. */
  readonly name: string;
  /** Who holds the Lease: `<hostname>_<pid>` (in a pod, the hostname is the pod's name). */
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

export const leaderElectionDefaults = {
  namespace: "kubefox-system",
  name: "kubefox-gitops",
  leaseDuration: "15s",
  renewDeadline: "10s",
  retryPeriod: "2s",
} as const;

export const envPrefix = "KUBEFOX_GITOPS_";

const flags = {
  repo: { type: "string", multiple: true },
  branch: { type: "string" },
  kubeconfig: { type: "string" },
  listen: { type: "string" },
  poll: { type: "string" },
  "webhook-secret-file": { type: "string" },
  "api-token-file": { type: "string" },
  "git-credentials-file": { type: "string" },
  "state-dir": { type: "string" },
  "log-level": { type: "string" },
  "log-format": { type: "string" },
  "leader-elect": { type: "boolean" },
  "leader-election-namespace": { type: "string" },
  "leader-election-id": { type: "string" },
  "leader-election-lease-duration": { type: "string" },
  "leader-election-renew-deadline": { type: "string" },
  "leader-election-retry-period": { type: "string" },
} as const;

export const runUsage = `usage: kubefox-gitops run --repo URL|PATH [--repo ...] [--branch NAME] [--kubeconfig FILE]
                          [--listen HOST:PORT] [--poll CRON] [--webhook-secret-file FILE]
                          [--api-token-file FILE] [--git-credentials-file FILE]
                          [--state-dir DIR] [--log-level LEVEL] [--log-format json|text]
                          [--leader-elect] [--leader-election-namespace NS] [--leader-election-id NAME]
                          [--leader-election-lease-duration 15s] [--leader-election-renew-deadline 10s]
                          [--leader-election-retry-period 2s]`;

function envName(flag: string): string {
  return envPrefix + flag.toUpperCase().replace(/-/g, "_");
}

export function parseSettings(args: string[], env: NodeJS.ProcessEnv): Settings {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    values = parseArgs({ args, options: flags, allowPositionals: false, strict: true }).values;
  } catch (err) {
    throw new SettingsError(`${(err as Error).message}\n${runUsage}`);
  }
  const get = (flag: keyof typeof flags): string | undefined => {
    const v = values[flag];
    const fromFlag = Array.isArray(v) ? v[0] : typeof v === "boolean" ? String(v) : v;
    return fromFlag ?? (env[envName(flag)] || undefined);
  };

  const repoFlags = (values.repo as string[] | undefined) ?? [];
  const repos =
    repoFlags.length > 0
      ? repoFlags
      : (env[envName("repo")] ?? "")
          .split(/[\n,]/)
          .map((s) => s.trim())
          .filter(Boolean);
  if (repos.length === 0)
    throw new SettingsError(`--repo is required (or ${envName("repo")})\n${runUsage}`);
  for (const repo of repos) {
    if (/^https?:\/\/[^/]*@/i.test(repo)) {
      throw new SettingsError(
        `--repo ${repo.replace(/\/\/[^@/]*@/, "//***@")}: credentials in a URL are refused; ` +
          `use ${envPrefix}GIT_TOKEN, ${envPrefix}GIT_USERNAME and ${envPrefix}GIT_PASSWORD, or --git-credentials-file`,
      );
    }
  }

  const poll = get("poll") ?? "* * * * *";
  if (!cron.validate(poll)) throw new SettingsError(`--poll ${poll}: not a valid cron schedule`);

  const logLevel = (get("log-level") ?? "info") as LogLevel;
  if (!["debug", "info", "warn", "error"].includes(logLevel)) {
    throw new SettingsError(`--log-level ${logLevel}: use debug, info, warn or error`);
  }
  const logFormat = (get("log-format") ?? "json") as LogFormat;
  if (!["json", "text"].includes(logFormat))
    throw new SettingsError(`--log-format ${logFormat}: use json or text`);

  return Object.freeze({
    repos: Object.freeze([...repos]),
    branch: get("branch"),
    kubeconfig: get("kubeconfig") ?? (env.KUBECONFIG || undefined),
    listen: Object.freeze(parseListen(get("listen") ?? "127.0.0.1:8080")),
    poll,
    webhookSecret: secret(
      "webhook-secret-file",
      get("webhook-secret-file"),
      env[`${envPrefix}WEBHOOK_SECRET`],
    ),
    apiToken: secret("api-token-file", get("api-token-file"), env[`${envPrefix}API_TOKEN`]),
    stateDir: path.resolve(
      get("state-dir") ?? path.join(os.homedir(), ".local", "state", "kubefox-gitops"),
    ),
    credentials: gitCredentials(get("git-credentials-file"), env),
    logLevel,
    logFormat,
    leaderElection: leaderElection(get),
  });
}

function leaderElection(
  get: (flag: keyof typeof flags) => string | undefined,
): LeaderElectionSettings | undefined {
  if (!parseBoolean("leader-elect", get("leader-elect") ?? "false")) return undefined;
  const d = leaderElectionDefaults;
  const leaseDurationMs = parseDuration(
    "leader-election-lease-duration",
    get("leader-election-lease-duration") ?? d.leaseDuration,
  );
  const renewDeadlineMs = parseDuration(
    "leader-election-renew-deadline",
    get("leader-election-renew-deadline") ?? d.renewDeadline,
  );
  const retryPeriodMs = parseDuration(
    "leader-election-retry-period",
    get("leader-election-retry-period") ?? d.retryPeriod,
  );
  // client-go's rules: a leader gives up before anyone may take over, and
  // retries (with up to 20 % jitter) more than once before it gives up.
  if (leaseDurationMs <= renewDeadlineMs)
    throw new SettingsError(
      "--leader-election-lease-duration must be longer than --leader-election-renew-deadline",
    );
  if (renewDeadlineMs <= 1.2 * retryPeriodMs)
    throw new SettingsError(
      "--leader-election-renew-deadline must be longer than 1.2 × --leader-election-retry-period",
    );
  const namespace = get("leader-election-namespace") ?? d.namespace;
  const name = get("leader-election-id") ?? d.name;
  for (const [flag, value] of [
    ["leader-election-namespace", namespace],
    ["leader-election-id", name],
  ] as const) {
    if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(value))
      throw new SettingsError(`--${flag} ${value}: not a valid Kubernetes name`);
  }
  return Object.freeze({
    namespace,
    name,
    identity: `${os.hostname()}_${process.pid}`,
    leaseDurationMs,
    renewDeadlineMs,
    retryPeriodMs,
  });
}

function parseBoolean(flag: string, value: string): boolean {
  if (/^(true|1|yes|on)$/i.test(value)) return true;
  if (/^(false|0|no|off)$/i.test(value)) return false;
  throw new SettingsError(`--${flag} ${value}: use true or false`);
}

/** `15s`, `1500ms`, `1m` or a bare number of seconds, in milliseconds. */
export function parseDuration(flag: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  const unit = { ms: 1, s: 1000, m: 60_000 }[match?.[2] ?? "s"] ?? 1000;
  const ms = match ? Math.round(Number(match[1]) * unit) : NaN;
  if (!Number.isFinite(ms) || ms <= 0)
    throw new SettingsError(`--${flag} ${value}: use a duration such as 15s, 1500ms or 1m`);
  return ms;
}

function parseListen(value: string): { host: string; port: number } {
  const match = /^(.*):(\d+)$/.exec(value);
  const port = Number(match?.[2]);
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SettingsError(`--listen ${value}: use HOST:PORT, for example 127.0.0.1:8080`);
  }
  return { host: match[1]!.replace(/^\[|\]$/g, "") || "0.0.0.0", port };
}

function readSecretFile(flag: string, file: string): string {
  try {
    const text = readFileSync(file, "utf8").trim();
    if (!text) throw new SettingsError(`--${flag} ${file}: the file is empty`);
    return text;
  } catch (err) {
    if (err instanceof SettingsError) throw err;
    throw new SettingsError(
      `--${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? "unreadable"}`,
    );
  }
}

function secret(
  flag: string,
  file: string | undefined,
  fromEnv: string | undefined,
): string | undefined {
  if (file) return readSecretFile(flag, file);
  return fromEnv || undefined;
}

/**
 * Git credentials: a file holding `username:password` or a bare token on its
 * first line, or KUBEFOX_GITOPS_GIT_TOKEN, or KUBEFOX_GITOPS_GIT_USERNAME with
 * KUBEFOX_GITOPS_GIT_PASSWORD.
 */
function gitCredentials(
  file: string | undefined,
  env: NodeJS.ProcessEnv,
): GitCredentials | undefined {
  if (file) {
    const line = readSecretFile("git-credentials-file", file).split("\n")[0]!.trim();
    const colon = line.indexOf(":");
    return colon > 0
      ? { username: line.slice(0, colon), password: line.slice(colon + 1) }
      : { token: line };
  }
  const user = env[`${envPrefix}GIT_USERNAME`];
  const token = env[`${envPrefix}GIT_TOKEN`];
  const password = env[`${envPrefix}GIT_PASSWORD`];
  if (token) return user ? { token, username: user } : { token };
  if (user && password) return { username: user, password };
  return undefined;
}
