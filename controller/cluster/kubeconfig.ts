// Reads a kubeconfig, or the pod's service account, into what an HTTP client
// needs: the API server's URL, TLS options and credentials for each request. It
// replaces KubeConfig from @kubernetes/client-node (see http.ts for why) and
// follows kubectl's rules: several files merge with the first definition of a
// name winning, relative paths resolve against the file that holds them, and
// exec plugins speak the ExecCredential protocol. What it does not support
// (auth-provider, proxy-url, client certificates from exec plugins) it refuses
// by name rather than connecting without it. No message carries a secret.
import { execFile, type ExecFileException } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { ClusterUnavailableError, SettingsError, describeError, maskUrl } from "../errors.js";

export interface Credentials {
  /** The Authorization header value ("Bearer …" or "Basic …"), if any. */
  authorization?: string;
}

export interface Connection {
  /** The API server's URL without a trailing slash, e.g. https://127.0.0.1:6443. */
  readonly server: string;
  /** For messages and logs: the kubeconfig context's name, or "in-cluster". */
  readonly name: string;
  /** The context's namespace, when it names one (in-cluster: the pod's namespace file). */
  readonly namespace?: string;
  /** TLS options for node:https / tls.connect. */
  readonly tls: {
    ca?: Buffer;
    cert?: Buffer;
    key?: Buffer;
    rejectUnauthorized: boolean;
    servername?: string;
  };
  /**
   * The credentials for the next request. Cheap to call per request: a token file is
   * re-read at most once a minute (bound service-account tokens rotate), and an exec
   * plugin's credential is cached until its expirationTimestamp (minus a margin) or
   * until `invalidate()` is called (after a 401).
   */
  credentials(): Promise<Credentials>;
  /** Forget cached credentials (call after a 401 Unauthorized). */
  invalidate(): void;
}

export interface LoadOptions {
  /** A kubeconfig path, or several joined with path.delimiter (as KUBECONFIG allows). Default: $KUBECONFIG, then ~/.kube/config, then in-cluster. */
  file?: string;
  /** A context name; default: the kubeconfig's current-context. */
  context?: string;
  /** For tests: the environment (default process.env) and the service-account folder (default /var/run/secrets/kubernetes.io/serviceaccount). */
  env?: NodeJS.ProcessEnv;
  serviceAccountDir?: string;
}

const defaultServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";
/** How long a token read from a file is used before the file is read again. */
const tokenFileMaxAgeMs = 60_000;
/** An exec credential is replaced this long before it expires. */
const expiryMarginMs = 10_000;
const execTimeoutMs = 60_000;
const execApiVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"];
/** The cluster extension whose `extension` an exec plugin receives as spec.cluster.config. */
const execExtensionName = "client.authentication.k8s.io/exec";

/** Loads a connection synchronously (reads files with readFileSync); throws SettingsError (from ../errors.js) with a clear message. */
export function loadConnection(options: LoadOptions = {}): Connection {
  const env = options.env ?? process.env;
  const given = options.file || env.KUBECONFIG;
  if (given) return fromKubeconfig(readKubeconfigs(given), options.context, env);

  const home = path.join(env.HOME || homedir(), ".kube", "config");
  if (existsSync(home)) return fromKubeconfig(readKubeconfigs(home), options.context, env);

  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const looked = `KUBECONFIG is not set and ${home} does not exist`;
  if (options.context) {
    throw new SettingsError(`no kubeconfig found for context "${options.context}": ${looked}`);
  }
  if (host && port) {
    return inCluster(host, port, options.serviceAccountDir ?? defaultServiceAccountDir);
  }
  throw new SettingsError(
    `no kubeconfig found: ${looked}, and KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (not in a pod)`,
  );
}

/** One entry of a kubeconfig (a cluster, user or context), or a mapping inside one. */
class Entry {
  constructor(
    /** The file that defines it: relative paths resolve against its folder. */
    readonly file: string,
    readonly name: string,
    /** Its place in the file, for messages: users[name=admin].user */
    readonly at: string,
    readonly body: Record<string, unknown>,
  ) {}

  /** The error for a problem with this entry's `key` (or the entry itself). */
  error(key: string | undefined, problem: string): SettingsError {
    const at = key === undefined ? this.at : `${this.at}.${key}`;
    return new SettingsError(`kubeconfig ${this.file}: ${at}: ${problem}`);
  }

  has(key: string): boolean {
    const value = this.body[key];
    return value !== undefined && value !== null && value !== "";
  }

  string(key: string): string | undefined {
    if (!this.has(key)) return undefined;
    const value = this.body[key];
    if (typeof value !== "string") throw this.error(key, "must be a string");
    return value;
  }

  boolean(key: string): boolean {
    if (!this.has(key)) return false;
    const value = this.body[key];
    if (typeof value !== "boolean") throw this.error(key, "must be true or false");
    return value;
  }

  /** A path field, resolved against the folder of the file that defines it. */
  path(key: string): string | undefined {
    const value = this.string(key);
    return value === undefined ? undefined : path.resolve(path.dirname(this.file), value);
  }

  /** The bytes of `<key>-data` (base64), or else of the file `<key>` names (as kubectl, data wins). */
  bytes(key: string): Buffer | undefined {
    const data = this.string(`${key}-data`);
    if (data !== undefined) {
      if (!/^[A-Za-z0-9+/=\s]*$/.test(data)) throw this.error(`${key}-data`, "is not base64");
      return Buffer.from(data, "base64");
    }
    const file = this.path(key);
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      throw this.error(key, `cannot read ${file}: ${errorCode(err)}`);
    }
  }

  /** A mapping inside this entry, such as a user's exec. */
  child(key: string): Entry {
    const value = this.body[key];
    if (!isRecord(value)) throw this.error(key, "must be a mapping");
    return new Entry(this.file, this.name, `${this.at}.${key}`, value);
  }
}

/** Several kubeconfig files merged as kubectl merges them. */
interface Kubeconfig {
  /** The files that were read, for messages. */
  files: string[];
  clusters: Map<string, Entry>;
  users: Map<string, Entry>;
  contexts: Map<string, Entry>;
  currentContext?: string;
}

const lists = ["clusters", "users", "contexts"] as const;

/** Reads and merges the files of a path.delimiter-separated list; the first file to define a name wins. */
function readKubeconfigs(list: string): Kubeconfig {
  const files = [
    ...new Set(
      list
        .split(path.delimiter)
        .filter((f) => f !== "")
        .map((f) => path.resolve(f)),
    ),
  ];
  const merged: Kubeconfig = {
    files: [],
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
  };
  for (const file of files) {
    // In a list, a missing file is skipped (as kubectl does); a single file must exist.
    const text = readKubeconfig(file, files.length > 1);
    if (text === undefined) continue;
    const data = parseKubeconfig(file, text);
    merged.files.push(file);
    for (const list of lists) {
      for (const entry of entriesOf(file, data, list)) {
        if (!merged[list].has(entry.name)) merged[list].set(entry.name, entry);
      }
    }
    const current = data["current-context"];
    if (current !== undefined && current !== null && typeof current !== "string") {
      throw new SettingsError(`kubeconfig ${file}: current-context must be a string`);
    }
    if (current) merged.currentContext ??= current;
  }
  if (merged.files.length === 0) {
    throw new SettingsError(`kubeconfig ${files.join(path.delimiter)}: none of these files exists`);
  }
  return merged;
}

function readKubeconfig(file: string, mayBeMissing: boolean): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    if (errorCode(err) === "ENOENT") {
      if (mayBeMissing) return undefined;
      throw new SettingsError(`kubeconfig ${file}: the file does not exist`);
    }
    throw new SettingsError(`kubeconfig ${file}: cannot read: ${errorCode(err)}`);
  }
}

function parseKubeconfig(file: string, text: string): Record<string, unknown> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const { line, col } = lines.linePos(error.pos[0]);
    // Some messages quote the source text, which may be a token: keep the part before the quote.
    const message = error.message.split(': "')[0];
    throw new SettingsError(`kubeconfig ${file}:${line}:${col}: invalid YAML: ${message}`);
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (err) {
    throw new SettingsError(`kubeconfig ${file}: invalid YAML: ${describeError(err)}`);
  }
  // An empty file is an empty kubeconfig, as for kubectl.
  if (data === null || data === undefined) return {};
  if (!isRecord(data)) {
    throw new SettingsError(`kubeconfig ${file}: not a kubeconfig (expected a mapping)`);
  }
  return data;
}

function entriesOf(
  file: string,
  data: Record<string, unknown>,
  list: (typeof lists)[number],
): Entry[] {
  const items = data[list];
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) throw new SettingsError(`kubeconfig ${file}: ${list} must be a list`);
  const key = list.slice(0, -1); // clusters[].cluster, users[].user, contexts[].context
  const seen = new Set<string>();
  return items.map((item: unknown, i) => {
    const name = isRecord(item) ? item.name : undefined;
    if (typeof name !== "string" || name === "") {
      throw new SettingsError(`kubeconfig ${file}: ${list}[${i}] has no name`);
    }
    if (seen.has(name)) {
      throw new SettingsError(`kubeconfig ${file}: ${list}: the name "${name}" appears twice`);
    }
    seen.add(name);
    const body = (item as Record<string, unknown>)[key] ?? {};
    const at = `${list}[name=${name}].${key}`;
    if (!isRecord(body)) throw new SettingsError(`kubeconfig ${file}: ${at} must be a mapping`);
    return new Entry(file, name, at, body);
  });
}

function fromKubeconfig(
  config: Kubeconfig,
  contextName: string | undefined,
  env: NodeJS.ProcessEnv,
): Connection {
  const files = `kubeconfig ${config.files.join(", ")}`;
  const name = contextName || config.currentContext;
  if (!name) {
    throw new SettingsError(
      `${files}: no current-context is set; name a context (contexts: ${names(config.contexts)})`,
    );
  }
  const context = config.contexts.get(name);
  if (!context) {
    throw new SettingsError(
      `${files}: context "${name}" not found (contexts: ${names(config.contexts)})`,
    );
  }

  const clusterName = context.string("cluster");
  if (clusterName === undefined) throw context.error("cluster", "is not set");
  const clusterEntry = config.clusters.get(clusterName);
  if (!clusterEntry) {
    throw context.error(
      "cluster",
      `cluster "${clusterName}" not found (clusters: ${names(config.clusters)})`,
    );
  }
  const cluster = readCluster(clusterEntry);

  // A context without a user connects anonymously.
  const userName = context.string("user");
  const user = userName === undefined ? undefined : config.users.get(userName);
  if (userName !== undefined && !user) {
    throw context.error("user", `user "${userName}" not found (users: ${names(config.users)})`);
  }

  return connection({
    server: cluster.server,
    name,
    namespace: context.string("namespace"),
    tls: user ? { ...cluster.tls, ...readClientCertificate(user) } : cluster.tls,
    auth: user ? readAuth(user, cluster, env) : noAuth,
  });
}

interface Cluster {
  server: string;
  tls: Connection["tls"];
  /** What an exec plugin with provideClusterInfo receives as spec.cluster. */
  execInfo: Record<string, unknown>;
}

function readCluster(cluster: Entry): Cluster {
  if (cluster.has("proxy-url")) {
    throw cluster.error("proxy-url", "is not supported; reach the API server directly");
  }
  const given = cluster.string("server");
  if (given === undefined) {
    throw new SettingsError(`kubeconfig ${cluster.file}: cluster "${cluster.name}" has no server`);
  }
  const server = given.replace(/\/+$/, "");
  if (!isHttpUrl(server)) {
    throw cluster.error("server", `"${maskUrl(given)}" is not an https:// (or http://) URL`);
  }

  const ca = cluster.bytes("certificate-authority");
  const insecure = cluster.boolean("insecure-skip-tls-verify");
  if (ca && insecure) {
    throw cluster.error(
      "insecure-skip-tls-verify",
      "cannot be true when a certificate-authority is given (kubectl refuses it too)",
    );
  }
  const servername = cluster.string("tls-server-name");

  const tls: Connection["tls"] = { rejectUnauthorized: !insecure };
  const execInfo: Record<string, unknown> = { server };
  if (ca) {
    tls.ca = ca;
    execInfo["certificate-authority-data"] = ca.toString("base64");
  }
  if (servername) {
    tls.servername = servername;
    execInfo["tls-server-name"] = servername;
  }
  if (insecure) execInfo["insecure-skip-tls-verify"] = true;
  const extension = execExtension(cluster);
  if (extension !== undefined) execInfo.config = extension;
  return { server, tls, execInfo };
}

function execExtension(cluster: Entry): unknown {
  const extensions = cluster.body.extensions;
  if (!Array.isArray(extensions)) return undefined;
  for (const e of extensions) {
    if (isRecord(e) && e.name === execExtensionName) return e.extension;
  }
  return undefined;
}

function readClientCertificate(user: Entry): { cert?: Buffer; key?: Buffer } {
  const cert = user.bytes("client-certificate");
  const key = user.bytes("client-key");
  if (cert && !key) throw user.error("client-key", "is not set, but client-certificate is");
  if (key && !cert) throw user.error("client-certificate", "is not set, but client-key is");
  return cert && key ? { cert, key } : {};
}

/** Where the Authorization header comes from. */
interface Authorization {
  /** The header's value, if any. */
  get(): Promise<string | undefined>;
  /** Forget what is cached. */
  forget(): void;
}

const noAuth: Authorization = {
  get: () => Promise.resolve(undefined),
  forget: () => undefined,
};

function fixed(value: string): Authorization {
  return { get: () => Promise.resolve(value), forget: () => undefined };
}

function readAuth(user: Entry, cluster: Cluster, env: NodeJS.ProcessEnv): Authorization {
  if (user.has("auth-provider")) {
    throw user.error(
      "auth-provider",
      "is not supported (kubectl deprecated it too); use an exec plugin, such as kubelogin or gke-gcloud-auth-plugin",
    );
  }
  const token = user.string("token");
  const tokenFile = user.path("tokenFile");
  const username = user.string("username");
  const password = user.string("password");

  const methods: string[] = [];
  if (token !== undefined || tokenFile !== undefined) methods.push("token");
  if (username !== undefined || password !== undefined) methods.push("username/password");
  if (user.has("exec")) methods.push("exec");
  if (methods.length > 1) throw user.error(undefined, `sets ${methods.join(" and ")}; use one`);

  // With both token and tokenFile, the file wins, as in client-go.
  if (tokenFile !== undefined) {
    return new TokenFile(tokenFile, `kubeconfig ${user.file}: ${user.at}.tokenFile`);
  }
  if (token !== undefined) return fixed(`Bearer ${token}`);
  if (password !== undefined && username === undefined) {
    throw user.error("username", "is not set, but password is");
  }
  if (username !== undefined) {
    return fixed(`Basic ${Buffer.from(`${username}:${password ?? ""}`).toString("base64")}`);
  }
  if (user.has("exec")) return new ExecCredentials(readExec(user.child("exec"), cluster, env));
  return noAuth;
}

/** A bearer token read from a file, and read again at most once a minute: bound service-account tokens rotate. */
class TokenFile implements Authorization {
  private token: string;
  private readAt: number;

  constructor(
    private readonly file: string,
    /** For messages: which setting names the file. */
    private readonly where: string,
  ) {
    // Read now, so that a missing file is a settings error at start-up.
    this.token = this.read();
    this.readAt = Date.now();
  }

  get(): Promise<string> {
    if (Date.now() - this.readAt >= tokenFileMaxAgeMs) {
      try {
        this.token = this.read();
        this.readAt = Date.now();
      } catch {
        // Keep the last token, as client-go does, and try the file again on the next call.
      }
    }
    return Promise.resolve(`Bearer ${this.token}`);
  }

  forget(): void {
    this.readAt = -Infinity;
  }

  private read(): string {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (err) {
      throw new SettingsError(`${this.where}: cannot read ${this.file}: ${errorCode(err)}`);
    }
    const token = text.trim();
    if (token === "") throw new SettingsError(`${this.where}: ${this.file} is empty`);
    return token;
  }
}

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

function readExec(exec: Entry, cluster: Cluster, env: NodeJS.ProcessEnv): ExecPlugin {
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
class ExecCredentials implements Authorization {
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

/** The pod's service account: the API server from the environment kubelet sets, the token and CA from their files. */
function inCluster(host: string, port: string, dir: string): Connection {
  const where = "in-cluster";
  // An IPv6 address needs brackets in a URL.
  const server = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const caFile = path.join(dir, "ca.crt");
  let ca: Buffer;
  try {
    ca = readFileSync(caFile);
  } catch (err) {
    throw new SettingsError(`${where}: cannot read ${caFile}: ${errorCode(err)}`);
  }
  const auth = new TokenFile(path.join(dir, "token"), where);
  let namespace: string | undefined;
  try {
    namespace = readFileSync(path.join(dir, "namespace"), "utf8").trim() || undefined;
  } catch {
    // Optional: without it, callers use their own default.
  }
  return connection({
    server,
    name: "in-cluster",
    namespace,
    tls: { ca, rejectUnauthorized: true },
    auth,
  });
}

function connection(parts: {
  server: string;
  name: string;
  namespace: string | undefined;
  tls: Connection["tls"];
  auth: Authorization;
}): Connection {
  const { server, name, namespace, tls, auth } = parts;
  return {
    server,
    name,
    ...(namespace ? { namespace } : {}),
    tls,
    async credentials() {
      const authorization = await auth.get();
      return authorization === undefined ? {} : { authorization };
    },
    invalidate() {
      auth.forget();
    },
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === "https:" || protocol === "http:";
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function names(entries: Map<string, Entry>): string {
  return [...entries.keys()].join(", ") || "none";
}

/** An fs error's code (ENOENT, EACCES ...), which, unlike its message, says no more than needed. */
function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? describeError(err);
}
