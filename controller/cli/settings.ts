// Settings of every command, declared once (command-line.ts reads flags, their
// KUBEFOX_GITOPS_* variables and defaults from here, and --help prints them
// from here). `run`'s are validated into one frozen Settings; nothing deeper
// reads process.env. Credentials come from a file or the environment, never
// from a flag's value.
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import cron from "node-cron";
import { envPrefix, parseCommandLine, type CommandSpec, type FlagValues } from "./command-line.js";
import { SettingsError } from "../errors.js";
import type { LogFormat, LogLevel } from "../log.js";
import type { GitCredentials } from "../source/credentials.js";
import {
  parseStatusApi,
  readReceivers,
  receiverEnvPrefix,
  type NotifySettings,
} from "../notify/notify-settings.js";
import { parseTokenFile, type StatusTokens } from "../notify/tokens.js";
import { readSshCredentials } from "./ssh-settings.js";
import type { SshCredentials } from "../source/ssh-transport.js";
import { isSshLocation, parseSshLocation } from "../ssh/location.js";
import type { PackLimits } from "../source/git/limits.js";

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
  /** Key and known hosts for SSH repositories; read only when --repo names one (issue 16). */
  readonly ssh: SshCredentials | undefined;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  /** Leader election (issue 7); undefined when off, the default for a local run. */
  readonly leaderElection: LeaderElectionSettings | undefined;
  /** Commit statuses and alerts (issue 14). */
  readonly notify: NotifySettings;
  /**
   * Shards the platforms are spread over (issue 17). 1: one leader writes
   * everything (leader election as above); more: every replica owns a share
   * of the shards through Leases (controller/cluster/shards.ts), which turns
   * the Lease machinery on with the leader election flags' namespace and times.
   */
  readonly shards: number;
  /** What a Git server may make us hold, and for how long (issue 16; the rest: git/limits.ts's defaults). */
  readonly gitLimits: Readonly<Partial<PackLimits>>;
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

export { envPrefix };

const git = {
  token: `${envPrefix}GIT_TOKEN`,
  username: `${envPrefix}GIT_USERNAME`,
  password: `${envPrefix}GIT_PASSWORD`,
};
const webhookSecretEnv = `${envPrefix}WEBHOOK_SECRET`;
const sshPassphraseEnv = `${envPrefix}SSH_PASSPHRASE`;
const apiTokenEnv = `${envPrefix}API_TOKEN`;
const statusTokenEnv = `${envPrefix}STATUS_TOKEN`;

/** `kubefox-gitops run`: every flag, its variables and default; parseSettings reads them from here, and so does --help. */
export const runCommand = {
  name: "run",
  summary: "Run the controller: sync repositories into clusters, serve webhooks and the status API",
  description:
    "Watches the repositories, reconciles every platform their control branch describes, and serves " +
    "webhooks, the read-only status API, the dashboard, /healthz, /readyz and /metrics on --listen. " +
    "Credentials come from files or the environment, never from a flag's value. SIGTERM or Ctrl-C " +
    "finishes the sync in flight and stops.",
  flags: {
    repo: {
      type: "string",
      multiple: true,
      value: "URL|PATH",
      required: true,
      help:
        "A repository to watch: an HTTP(S) URL or SSH location (ssh://user@host[:port]/path, user@host:path) " +
        "to clone, or a local path read in place and watched.",
      envNote: "comma- or newline-separated",
    },
    branch: {
      type: "string",
      value: "NAME",
      defaultText: "the repository's default branch",
      help: "The control branch, which holds the platforms, environments and configs.",
    },
    kubeconfig: {
      type: "string",
      value: "FILE",
      env: [`${envPrefix}KUBECONFIG`, "KUBECONFIG"],
      defaultText: "~/.kube/config, or in-cluster",
      help: "Kubeconfig of the clusters; platforms pick a context with cluster.context.",
    },
    listen: {
      type: "string",
      value: "HOST:PORT",
      default: "127.0.0.1:8080",
      help: "Where webhooks, the status API, probes and metrics are served (:0 picks a free port).",
    },
    poll: {
      type: "string",
      value: "CRON",
      default: "* * * * *",
      help: "node-cron schedule of fetches (every minute by default); six fields for seconds.",
    },
    "webhook-secret-file": {
      type: "string",
      value: "FILE",
      envNote: `or the secret itself in ${webhookSecretEnv}`,
      defaultText: "none (every webhook is refused)",
      help: "A file holding the shared secret webhooks are signed with.",
    },
    "api-token-file": {
      type: "string",
      value: "FILE",
      envNote: `or the token itself in ${apiTokenEnv}`,
      defaultText: "none (the API is open)",
      help: "A file holding the bearer token that /api and /metrics ask for.",
    },
    "git-credentials-file": {
      type: "string",
      value: "FILE",
      envNote: `or ${git.token}, or ${git.username} and ${git.password}`,
      defaultText: "none",
      help: "A file with username:password, or a token, on its first line, for HTTPS repositories.",
    },
    "ssh-key-file": {
      type: "string",
      value: "FILE",
      defaultText: "none",
      help: "The private key (ed25519, ECDSA or RSA, OpenSSH or PEM) for SSH repositories.",
    },
    "ssh-passphrase-file": {
      type: "string",
      value: "FILE",
      envNote: `or the passphrase itself in ${sshPassphraseEnv}`,
      defaultText: "none",
      help: "A file holding the private key's passphrase, when it has one.",
    },
    "ssh-known-hosts": {
      type: "string",
      value: "FILE",
      defaultText: "none",
      help: "The known_hosts file SSH hosts' keys are checked against; an unknown or changed key is refused.",
    },
    "state-dir": {
      type: "string",
      value: "DIR",
      default: () => path.join(os.homedir(), ".local", "state", "kubefox-gitops"),
      defaultText: "~/.local/state/kubefox-gitops",
      help: "Where URL repositories are cloned.",
    },
    "log-level": {
      type: "string",
      value: "LEVEL",
      default: "info",
      choices: ["debug", "info", "warn", "error"],
      help: "The least severe log lines written.",
    },
    "log-format": {
      type: "string",
      value: "FORMAT",
      default: "json",
      choices: ["json", "text"],
      help: "Log lines on stderr: JSON lines, or text for people.",
    },
    "leader-elect": {
      type: "boolean",
      help: "Elect one leader among replicas with a Lease; only it writes to clusters (the variable takes true or false).",
    },
    "leader-election-namespace": {
      type: "string",
      value: "NS",
      default: leaderElectionDefaults.namespace,
      help: "The Lease's namespace, in the default cluster.",
    },
    "leader-election-id": {
      type: "string",
      value: "NAME",
      default: leaderElectionDefaults.name,
      help: "The Lease's name.",
    },
    "leader-election-lease-duration": {
      type: "string",
      value: "DURATION",
      default: leaderElectionDefaults.leaseDuration,
      help: "How long the others wait after the last renewal before taking over.",
    },
    "leader-election-renew-deadline": {
      type: "string",
      value: "DURATION",
      default: leaderElectionDefaults.renewDeadline,
      help: "A leader that could not renew for this long stops writing.",
    },
    "leader-election-retry-period": {
      type: "string",
      value: "DURATION",
      default: leaderElectionDefaults.retryPeriod,
      help: "How often the Lease is renewed or tried.",
    },
    "public-url": {
      type: "string",
      value: "URL",
      defaultText: "none (statuses and alerts carry no link)",
      help: "The controller's URL as people reach it: commit statuses and alerts link to its dashboard pages.",
    },
    "status-token-file": {
      type: "string",
      value: "FILE",
      envNote: `or one token for every repository in ${statusTokenEnv}`,
      defaultText: "none (no commit statuses)",
      help: "Tokens for commit statuses: a token on a line for every repository, or HOST TOKEN / HOST/OWNER/REPO TOKEN lines.",
    },
    "status-api": {
      type: "string",
      multiple: true,
      value: "HOST=PROVIDER[:BASE_URL]",
      envNote: "comma- or newline-separated",
      defaultText: "github.com, gitlab.com, bitbucket.org, codeberg.org, gitea.com",
      help: "A self-hosted Git host's provider (github, gitlab, gitea, bitbucket-cloud, bitbucket-server) and, when not the usual one, its API base.",
    },
    "notification-secrets-dir": {
      type: "string",
      value: "DIR",
      envNote: `and ${receiverEnvPrefix}<NAME> (URL), ${receiverEnvPrefix}<NAME>_SECRET`,
      defaultText: "none",
      help: "Receivers' URLs, one file per receiver name: the URL on its first line, a generic receiver's signing secret on its second.",
    },
    shards: {
      type: "string",
      value: "N",
      default: "1",
      help: "Spread the platforms over N shards, each held by one live replica through a Lease (1: one leader writes all).",
    },
    "git-fetch-deadline": {
      type: "string",
      value: "DURATION",
      default: "10m",
      help: "A Git server's answer (the list of refs, the pack) that takes longer is cut.",
    },
    "git-idle-timeout": {
      type: "string",
      value: "DURATION",
      default: "30s",
      help: "A Git server that sends nothing, or under 1 KiB, for this long is cut off.",
    },
    "git-max-pack-size": {
      type: "string",
      value: "SIZE",
      default: "2Gi",
      help: "The largest pack a fetch takes (Ki, Mi, Gi).",
    },
    "git-max-object-size": {
      type: "string",
      value: "SIZE",
      default: "100Mi",
      help: "The largest Git object a fetch takes, inflated (Ki, Mi, Gi).",
    },
  },
} as const satisfies CommandSpec;

/** `kubefox-gitops validate [DIR]`. */
export const validateCommand = {
  name: "validate",
  positionals: "[DIR]",
  summary: "Check a repository's working tree; every problem as path:line:col: message",
  description:
    "Checks the KubeFox repository in DIR (default: the current folder) against the schemas: " +
    "kubefox.yaml, apps/, manifests/, and environments/, configs/ and platforms/ when present. " +
    "Prints each problem as path:line:col: message.\n" +
    "Exit status: 0 valid, 1 problems found, 2 could not run.",
  flags: {},
} as const satisfies CommandSpec;

/** `kubefox-gitops render [DIR] --platform NAME [--ref REF]`. */
export const renderCommand = {
  name: "render",
  positionals: "[DIR]",
  summary: "Print, as YAML, the objects a platform would apply; nothing is applied",
  description:
    "Prints, as YAML, the objects the platform's deployments and releases would apply, from the KubeFox " +
    "repository in DIR (default: the current folder); what it rendered goes to stderr. Refs resolve in DIR's " +
    "Git repository as run resolves them; the commit checked out is read from the working tree. No cluster " +
    "is needed.\n" +
    "Exit status: 0 rendered, 1 invalid, refused or a ref that does not resolve, 2 could not run.",
  flags: {
    platform: {
      type: "string",
      value: "NAME",
      required: true,
      help: "The platform (platforms/NAME.yaml) whose objects to print.",
    },
    ref: {
      type: "string",
      value: "REF",
      defaultText: "every deployment of the platform",
      help: "Only the deployments and releases with this ref (or this ref as a new deployment).",
    },
  },
} as const satisfies CommandSpec;

/** `kubefox-gitops get platforms|deployments|releases|repositories [NAME]` (issue 15). */
export const getCommand = {
  name: "get",
  positionals: "platforms|deployments|releases|repositories [NAME]",
  summary: "Show platforms, deployments, releases or repositories and their state, as tables",
  description:
    "Prints the status of what the controller runs, as kubectl get does: from a running controller's " +
    "status API with --server, or else from the status ConfigMaps in the cluster of --kubeconfig " +
    "(repositories need a server). NAME is a platform's name, a deployment's ref (branch/main), a " +
    "release's environment or a system's name. release NAME --history lists its versions.\n" +
    "Exit status: 0 found (whatever its state: Ready or not), 1 no such NAME or --platform, " +
    "2 could not run (a bad flag, the server or cluster unreachable, 401).",
  flags: {
    platform: {
      type: "string",
      value: "NAME",
      defaultText: "every platform",
      help: "Only this platform's deployments and releases.",
    },
    output: {
      type: "string",
      short: "o",
      value: "FORMAT",
      default: "table",
      choices: ["table", "json", "yaml"],
      help: "A table for people, or the records as JSON or YAML (as the status API serves them).",
    },
    history: {
      type: "boolean",
      help: "With release NAME: its versions, pending, active and archived, newest first.",
    },
    watch: {
      type: "boolean",
      help: "Print again whenever something changes (the server's events, or the ConfigMaps every 2 s), until Ctrl-C.",
    },
    server: {
      type: "string",
      value: "URL",
      defaultText: "none: read the cluster",
      help: "A running controller's base URL, e.g. http://127.0.0.1:8080.",
    },
    "token-file": {
      type: "string",
      value: "FILE",
      envNote: `or the token itself in ${apiTokenEnv}`,
      defaultText: "none",
      help: "A file holding the status API's bearer token.",
    },
    kubeconfig: {
      type: "string",
      value: "FILE",
      env: [`${envPrefix}KUBECONFIG`, "KUBECONFIG"],
      defaultText: "~/.kube/config, or in-cluster",
      help: "Without --server: the kubeconfig of the cluster whose status ConfigMaps to read.",
    },
    context: {
      type: "string",
      value: "NAME",
      defaultText: "the kubeconfig's current context",
      help: "Without --server: the kubeconfig context to use.",
    },
  },
} as const satisfies CommandSpec;

/** `kubefox-gitops diff [DIR | --repo URL] --platform NAME [--ref REF]`. */
export const diffCommand = {
  name: "diff",
  positionals: "[DIR]",
  summary: "Show what applying a platform's objects from DIR would change in the live cluster",
  description:
    "Renders the platform's deployments and releases from the KubeFox repository in DIR (default: the " +
    "current folder) as render does, and compares each object with the live cluster by a server-side " +
    "dry-run apply with the controller's field manager: a unified diff per object that would change, " +
    "and the objects that would be created and that prune would delete. Secret values are masked; the " +
    "routing Secret of a release is never compared. Nothing is written.\n" +
    "Exit status: 0 nothing would change, 1 something would, 2 could not run (flags, an invalid tree, " +
    "a cluster that does not answer).",
  flags: {
    platform: {
      type: "string",
      value: "NAME",
      required: true,
      help: "The platform (platforms/NAME.yaml) whose objects to compare.",
    },
    ref: {
      type: "string",
      value: "REF",
      defaultText: "every deployment and release of the platform",
      help: "Only the deployments and releases with this ref (or this ref as a new deployment).",
    },
    repo: {
      type: "string",
      value: "URL",
      env: [`${envPrefix}DIFF_REPO`],
      defaultText: "none: DIR",
      help:
        "Compare a repository instead of DIR: cloned with the git client (its credential helpers, SSH " +
        "keys and known_hosts) into a temporary folder, its default branch as the control branch.",
    },
    kubeconfig: {
      type: "string",
      value: "FILE",
      env: [`${envPrefix}KUBECONFIG`, "KUBECONFIG"],
      defaultText: "~/.kube/config, or in-cluster",
      help: "Kubeconfig of the cluster to compare with.",
    },
    context: {
      type: "string",
      value: "NAME",
      defaultText: "the platform's cluster.context, else the current context",
      help: "The kubeconfig context to compare with.",
    },
  },
} as const satisfies CommandSpec;

/** Every command, in the order --help lists them. */
export const commandSpecs: readonly CommandSpec[] = [
  runCommand,
  validateCommand,
  renderCommand,
  getCommand,
  diffCommand,
];

/**
 * Reads `kubefox-gitops run`'s flags and environment into one validated,
 * frozen Settings. Throws SettingsError saying what to fix.
 */
export function parseSettings(args: readonly string[], env: NodeJS.ProcessEnv): Settings {
  return settingsFrom(parseCommandLine(runCommand, args, env).values, env);
}

/** Settings from `run`'s parsed flags; `env` for the secrets' own variables. */
export function settingsFrom(
  values: FlagValues<typeof runCommand>,
  env: NodeJS.ProcessEnv,
): Settings {
  for (const repo of values.repo) {
    if (/^https?:\/\/[^/]*@/i.test(repo)) {
      throw new SettingsError(
        `--repo ${repo.replace(/\/\/[^@/]*@/, "//***@")}: credentials in a URL are refused; ` +
          `use ${git.token}, ${git.username} and ${git.password}, or --git-credentials-file`,
      );
    }
  }
  for (const repo of values.repo.filter(isSshLocation)) {
    if (!parseSshLocation(repo)) {
      throw new SettingsError(
        `--repo ${repo.replace(/\/\/[^@/]*@/, "//***@")}: not a valid SSH location; use ` +
          "ssh://user@host[:port]/path or user@host:path (a password never goes in the URL)",
      );
    }
  }
  if (!cron.validate(values.poll))
    throw new SettingsError(`--poll ${values.poll}: not a valid cron schedule`);

  return Object.freeze({
    repos: values.repo,
    branch: values.branch,
    kubeconfig: values.kubeconfig,
    listen: Object.freeze(parseListen(values.listen)),
    poll: values.poll,
    webhookSecret: secret(
      "webhook-secret-file",
      values["webhook-secret-file"],
      env[webhookSecretEnv],
    ),
    apiToken: secret("api-token-file", values["api-token-file"], env[apiTokenEnv]),
    stateDir: path.resolve(values["state-dir"]),
    credentials: gitCredentials(values["git-credentials-file"], env),
    ssh: values.repo.some(isSshLocation)
      ? readSshCredentials({
          keyFile: values["ssh-key-file"],
          knownHostsFile: values["ssh-known-hosts"],
          passphrase: () =>
            secret("ssh-passphrase-file", values["ssh-passphrase-file"], env[sshPassphraseEnv]),
        })
      : undefined,
    logLevel: values["log-level"] as LogLevel,
    logFormat: values["log-format"] as LogFormat,
    leaderElection: leaderElection(values),
    notify: notifySettings(values, env),
    shards: shardCount(values.shards),
    gitLimits: gitLimits(values),
  });
}

/** Commit statuses and alerts (issue 14): tokens and receiver URLs are secrets, never echoed. */
function notifySettings(
  values: FlagValues<typeof runCommand>,
  env: NodeJS.ProcessEnv,
): NotifySettings {
  const publicUrl = values["public-url"]?.replace(/\/+$/, "");
  if (publicUrl !== undefined && !/^https?:\/\/[^/@\s]+(\/\S*)?$/.test(publicUrl))
    throw new SettingsError(`--public-url ${publicUrl}: use an http(s) URL without credentials`);
  let statusTokens: StatusTokens = { entries: [] };
  const tokenFile = values["status-token-file"];
  if (tokenFile) {
    try {
      statusTokens = parseTokenFile(readSecretFile("status-token-file", tokenFile));
    } catch (err) {
      if (err instanceof SettingsError) throw err;
      throw new SettingsError(`--status-token-file ${tokenFile}: ${(err as Error).message}`);
    }
  } else if (env[statusTokenEnv])
    statusTokens = { fallback: env[statusTokenEnv]!.trim(), entries: [] };
  const statusApis = (values["status-api"] ?? []).map((value) => {
    try {
      return parseStatusApi(value);
    } catch (err) {
      throw new SettingsError(`--status-api ${value}: ${(err as Error).message}`);
    }
  });
  const dir = values["notification-secrets-dir"];
  let receivers;
  try {
    receivers = readReceivers(dir, env);
  } catch (err) {
    throw new SettingsError(
      `--notification-secrets-dir ${dir}: ${(err as NodeJS.ErrnoException).code ?? "unreadable"}`,
    );
  }
  return Object.freeze({
    publicUrl,
    statusTokens: Object.freeze(statusTokens),
    statusApis: Object.freeze(statusApis),
    receivers,
  });
}

function shardCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 256)
    throw new SettingsError(`--shards ${value}: a whole number from 1 to 256`);
  return n;
}

function gitLimits(values: FlagValues<typeof runCommand>): Partial<PackLimits> {
  const idle = parseDuration("git-idle-timeout", values["git-idle-timeout"]);
  return Object.freeze({
    deadlineMs: parseDuration("git-fetch-deadline", values["git-fetch-deadline"]),
    windowMs: idle,
    maxPackBytes: parseSize("git-max-pack-size", values["git-max-pack-size"]),
    maxObjectBytes: parseSize("git-max-object-size", values["git-max-object-size"]),
  });
}

/** `2Gi`, `100Mi`, `512Ki` or a bare number of bytes. */
export function parseSize(flag: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi)?$/.exec(value.trim());
  const unit = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[match?.[2] ?? ""] ?? 1;
  const bytes = match ? Math.round(Number(match[1]) * unit) : NaN;
  if (!Number.isFinite(bytes) || bytes <= 0)
    throw new SettingsError(`--${flag} ${value}: use a size such as 2Gi, 100Mi or 512Ki`);
  return bytes;
}

function leaderElection(values: FlagValues<typeof runCommand>): LeaderElectionSettings | undefined {
  if (!values["leader-elect"] && shardCount(values.shards) === 1) return undefined;
  const leaseDurationMs = parseDuration(
    "leader-election-lease-duration",
    values["leader-election-lease-duration"],
  );
  const renewDeadlineMs = parseDuration(
    "leader-election-renew-deadline",
    values["leader-election-renew-deadline"],
  );
  const retryPeriodMs = parseDuration(
    "leader-election-retry-period",
    values["leader-election-retry-period"],
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
  const namespace = values["leader-election-namespace"];
  const name = values["leader-election-id"];
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
  const user = env[git.username];
  const token = env[git.token];
  const password = env[git.password];
  if (token) return user ? { token, username: user } : { token };
  if (user && password) return { username: user, password };
  return undefined;
}
