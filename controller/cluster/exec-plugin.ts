// Exec plugins: the client.authentication.k8s.io ExecCredential protocol, which
// kubectl speaks to kubelogin, gke-gcloud-auth-plugin, `aws eks get-token` and the
// like. A kubeconfig user's `exec` names a command; we run it without a terminal,
// hand it KUBERNETES_EXEC_INFO, and cache the token of the ExecCredential it
// prints until it expires. It is apart from kubeconfig.ts because it is a protocol
// of its own, with a child process, a cache and failures that may pass, where
// kubeconfig.ts only reads files. No message quotes the command's arguments or output (secrets).
import { execFile, type ExecFileException } from "node:child_process";
import path from "node:path";
import { ClusterUnavailableError, SettingsError } from "../errors.js";
import { isRecord, type Authorization, type Entry } from "./kubeconfig-entry.js";

/** An exec credential is replaced this long before it expires. */
const expiryMarginMs = 10_000;
const execTimeoutMs = 60_000;
const execApiVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"];
/** The cluster extension whose `extension` an exec plugin receives as spec.cluster.config. */
export const execExtensionName = "client.authentication.k8s.io/exec";

/** An exec plugin, as the kubeconfig describes it. */
interface ExecPlugin {
  command: string;
  args: string[];
  /** The whole environment it runs with. */
  env: NodeJS.ProcessEnv;
  apiVersion: string;
  installHint?: string;
  /** For messages: kubeconfig FILE: users[name=NAME].user.exec */
  where: string;
}

export function readExec(
  exec: Entry,
  cluster: { execInfo: Record<string, unknown> },
  env: NodeJS.ProcessEnv,
): ExecPlugin {
  const given = exec.string("command");
  if (given === undefined) throw exec.error("command", "is not set");
  // A command with a slash is a path, relative to the kubeconfig; without one it is looked up in PATH.
  const command = given.includes("/") ? path.resolve(path.dirname(exec.file), given) : given;

  const args = exec.body.args ?? [];
  if (!Array.isArray(args) || !args.every((a) => typeof a === "string")) {
    throw exec.error("args", "must be a list of strings");
  }

  const pluginEnv: NodeJS.ProcessEnv = { ...env };
  const vars = exec.body.env ?? [];
  if (!Array.isArray(vars)) throw exec.error("env", "must be a list of {name, value}");
  for (const v of vars) {
    if (!isRecord(v) || typeof v.name !== "string" || typeof v.value !== "string") {
      throw exec.error("env", "must be a list of {name, value}, both strings");
    }
    pluginEnv[v.name] = v.value;
  }

  const apiVersion = exec.string("apiVersion");
  if (apiVersion === undefined || !execApiVersions.includes(apiVersion)) {
    throw exec.error("apiVersion", `must be one of ${execApiVersions.join(", ")}`);
  }
  const mode = exec.string("interactiveMode");
  if (mode === "Always") {
    throw exec.error(
      "interactiveMode",
      "is Always, but the controller has no terminal; use IfAvailable or Never",
    );
  }
  if (mode !== undefined && mode !== "IfAvailable" && mode !== "Never") {
    throw exec.error("interactiveMode", "must be Never, IfAvailable or Always");
  }

  const spec: Record<string, unknown> = { interactive: false };
  if (exec.boolean("provideClusterInfo")) spec.cluster = cluster.execInfo;
  pluginEnv.KUBERNETES_EXEC_INFO = JSON.stringify({ apiVersion, kind: "ExecCredential", spec });

  return {
    command,
    args,
    env: pluginEnv,
    apiVersion,
    installHint: exec.string("installHint"),
    where: `kubeconfig ${exec.file}: ${exec.at}`,
  };
}

/** An exec plugin's token, cached until it expires; concurrent callers share one run. */
export class ExecCredentials implements Authorization {
  private cached: ExecResult | undefined;
  private running: Promise<string> | undefined;

  constructor(private readonly plugin: ExecPlugin) {}

  get(): Promise<string> {
    if (this.cached && Date.now() < this.cached.until) {
      return Promise.resolve(this.cached.authorization);
    }
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  forget(): void {
    this.cached = undefined;
  }

  private async run(): Promise<string> {
    this.cached = await runExec(this.plugin);
    return this.cached.authorization;
  }
}

interface ExecResult {
  authorization: string;
  /** When to run the plugin again (ms since the epoch); Infinity when the credential does not expire. */
  until: number;
}

function runExec(plugin: ExecPlugin): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      plugin.command,
      plugin.args,
      { env: plugin.env, timeout: execTimeoutMs, encoding: "utf8" },
      (err, stdout, stderr) => {
        if (err) {
          reject(execFailure(plugin, err, stderr));
          return;
        }
        try {
          resolve(parseExecCredential(plugin, stdout));
        } catch (parseErr) {
          reject(parseErr);
        }
      },
    );
    // Not interactive: a plugin that reads stdin sees its end at once.
    child.stdin?.end();
  });
}

function execFailure(plugin: ExecPlugin, err: ExecFileException, stderr: string): Error {
  // Never err.message: it repeats the command line, whose arguments may hold a secret.
  const what = `${plugin.where}: "${plugin.command}"`;
  if (err.code === "ENOENT") {
    return new SettingsError(
      `${what} not found${plugin.installHint ? `\n${plugin.installHint}` : ""}`,
    );
  }
  if (err.code === "EACCES") return new SettingsError(`${what} is not executable`);
  let how: string;
  if (typeof err.code === "number") how = `exited with code ${err.code}`;
  else if (err.killed && !err.code) how = `did not finish within ${execTimeoutMs / 1000} s`;
  else if (err.signal) how = `was killed by ${err.signal}`;
  else how = `failed: ${err.code ?? "unknown error"}`;
  // A plugin fails for reasons that pass (network, an identity provider's outage): retry.
  return new ClusterUnavailableError(`${what} ${how}${lastLines(stderr)}`);
}

/** The last lines of a plugin's stderr, for its error message. */
function lastLines(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim().slice(0, 300))
    .filter((l) => l !== "");
  return lines.length === 0 ? "" : `:\n${lines.slice(-5).join("\n")}`;
}

function parseExecCredential(plugin: ExecPlugin, stdout: string): ExecResult {
  // Never quote stdout: it holds the credential.
  const what = `${plugin.where}: "${plugin.command}"`;
  let credential: unknown;
  try {
    credential = JSON.parse(stdout);
  } catch {
    throw new SettingsError(`${what} printed something other than an ExecCredential (not JSON)`);
  }
  if (!isRecord(credential) || credential.kind !== "ExecCredential") {
    throw new SettingsError(`${what} printed something other than an ExecCredential`);
  }
  if (credential.apiVersion !== plugin.apiVersion) {
    throw new SettingsError(
      `${what} answered with apiVersion ${JSON.stringify(credential.apiVersion)}, but the kubeconfig asks for ${plugin.apiVersion}`,
    );
  }
  const status = isRecord(credential.status) ? credential.status : {};
  const token = status.token;
  if (typeof token !== "string" || token === "") {
    if (status.clientCertificateData || status.clientKeyData) {
      throw new SettingsError(
        `${what} returned a client certificate; only tokens from exec plugins are supported for now`,
      );
    }
    throw new SettingsError(`${what} returned no status.token`);
  }

  let until = Infinity;
  const expires = status.expirationTimestamp;
  if (expires !== undefined && expires !== null) {
    const time = typeof expires === "string" ? Date.parse(expires) : NaN;
    if (Number.isNaN(time)) {
      throw new SettingsError(`${what} returned a status.expirationTimestamp that is not a time`);
    }
    until = time - expiryMarginMs;
  }
  return { authorization: `Bearer ${token}`, until };
}
