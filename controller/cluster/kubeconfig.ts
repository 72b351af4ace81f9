// Reads a kubeconfig, or the pod's service account, into what an HTTP client
// needs: the API server's URL, TLS options and credentials for each request. It
// replaces KubeConfig from @kubernetes/client-node (see http.ts for why) and
// follows kubectl's rules: several files merge with the first definition of a
// name winning, relative paths resolve against the file that holds them, and
// exec plugins speak the ExecCredential protocol (see exec-plugin.ts). What it
// does not support (auth-provider, proxy-url, client certificates from exec
// plugins) it refuses by name rather than connecting without it. No message
// carries a secret.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { SettingsError, describeError, maskUrl } from "../errors.js";
import { ExecCredentials, execExtensionName, readExec } from "./exec-plugin.js";
import { Entry, errnoOf, isRecord, type Authorization } from "./kubeconfig-entry.js";

export type { Authorization };

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
    if (errnoOf(err) === "ENOENT") {
      if (mayBeMissing) return undefined;
      throw new SettingsError(`kubeconfig ${file}: the file does not exist`);
    }
    throw new SettingsError(`kubeconfig ${file}: cannot read: ${errnoOf(err)}`);
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

export interface Cluster {
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
      throw new SettingsError(`${this.where}: cannot read ${this.file}: ${errnoOf(err)}`);
    }
    const token = text.trim();
    if (token === "") throw new SettingsError(`${this.where}: ${this.file} is empty`);
    return token;
  }
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
    throw new SettingsError(`${where}: cannot read ${caFile}: ${errnoOf(err)}`);
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

function names(entries: Map<string, Entry>): string {
  return [...entries.keys()].join(", ") || "none";
}
