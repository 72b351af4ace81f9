import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { stringify } from "yaml";
import { ClusterUnavailableError, SettingsError } from "../errors.js";
import { loadConnection, type Connection, type LoadOptions } from "./kubeconfig.js";

const secret = "s3cret-t0ken-value";
const caPem = "-----BEGIN CERTIFICATE-----\nY2E=\n-----END CERTIFICATE-----\n";
const certPem = "-----BEGIN CERTIFICATE-----\nY2VydA==\n-----END CERTIFICATE-----\n";
const keyPem = "-----BEGIN PRIVATE KEY-----\na2V5\n-----END PRIVATE KEY-----\n";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "kubeconfig-test-"));
});

afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a file under the test's folder (objects as YAML); returns its path. */
function write(name: string, content: string | object, mode = 0o644): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof content === "string" ? content : stringify(content), { mode });
  return file;
}

/** A kubeconfig whose current context "dev" joins cluster "c" and user "u". */
function kubeconfig(parts: { cluster?: object; user?: object; context?: object } = {}): object {
  return {
    apiVersion: "v1",
    kind: "Config",
    "current-context": "dev",
    clusters: [{ name: "c", cluster: { server: "https://127.0.0.1:6443/", ...parts.cluster } }],
    users: [{ name: "u", user: parts.user ?? { token: secret } }],
    contexts: [{ name: "dev", context: { cluster: "c", user: "u", ...parts.context } }],
  };
}

/** Loads with an environment of the test's own, so nothing of this machine leaks in. */
function load(options: LoadOptions = {}): Connection {
  return loadConnection({ env: { HOME: dir, PATH: process.env.PATH }, ...options });
}

function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error");
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a rejection");
}

function base64(text: string): string {
  return Buffer.from(text).toString("base64");
}

describe("loadConnection from a kubeconfig", () => {
  it("reads the server, the context's namespace and a token", async () => {
    const file = write("config", kubeconfig({ context: { namespace: "shop" } }));
    const conn = load({ file });
    expect(conn.server).toBe("https://127.0.0.1:6443");
    expect(conn.name).toBe("dev");
    expect(conn.namespace).toBe("shop");
    expect(conn.tls).toEqual({ rejectUnauthorized: true });
    expect(await conn.credentials()).toEqual({ authorization: `Bearer ${secret}` });
  });

  it("sends basic auth for username and password", async () => {
    const file = write("config", kubeconfig({ user: { username: "admin", password: "pw" } }));
    expect(await load({ file }).credentials()).toEqual({
      authorization: `Basic ${base64("admin:pw")}`,
    });
  });

  it("sends nothing for a context without a user, and allows http", async () => {
    const config = kubeconfig({ cluster: { server: "http://localhost:8080" } });
    const file = write("config", {
      ...config,
      contexts: [{ name: "dev", context: { cluster: "c" } }],
    });
    const conn = load({ file });
    expect(conn.server).toBe("http://localhost:8080");
    expect(await conn.credentials()).toEqual({});
  });

  it("re-reads a tokenFile, relative to the kubeconfig, at most once a minute", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    write("sub/tokens/token", "one\n");
    const file = write("sub/config", kubeconfig({ user: { tokenFile: "tokens/token" } }));
    const conn = load({ file });
    expect(await conn.credentials()).toEqual({ authorization: "Bearer one" });

    write("sub/tokens/token", "two\n");
    vi.advanceTimersByTime(30_000);
    expect(await conn.credentials()).toEqual({ authorization: "Bearer one" });
    vi.advanceTimersByTime(30_000);
    expect(await conn.credentials()).toEqual({ authorization: "Bearer two" });

    // After a 401 the file is read at once.
    write("sub/tokens/token", "three\n");
    conn.invalidate();
    expect(await conn.credentials()).toEqual({ authorization: "Bearer three" });

    // A file that goes missing keeps the last token.
    rmSync(path.join(dir, "sub/tokens/token"));
    vi.advanceTimersByTime(61_000);
    expect(await conn.credentials()).toEqual({ authorization: "Bearer three" });
  });

  it("reads client certificate, key and CA from files relative to the kubeconfig's folder", () => {
    write("sub/certs/ca.crt", caPem);
    write("sub/certs/client.crt", certPem);
    write("sub/certs/client.key", keyPem);
    const file = write(
      "sub/config",
      kubeconfig({
        cluster: { "certificate-authority": "certs/ca.crt", "tls-server-name": "api.internal" },
        user: { "client-certificate": "certs/client.crt", "client-key": "certs/client.key" },
      }),
    );
    expect(load({ file }).tls).toEqual({
      ca: Buffer.from(caPem),
      cert: Buffer.from(certPem),
      key: Buffer.from(keyPem),
      rejectUnauthorized: true,
      servername: "api.internal",
    });
  });

  it("decodes certificate-authority-data, client-certificate-data and client-key-data", async () => {
    const file = write(
      "config",
      kubeconfig({
        cluster: { "certificate-authority-data": base64(caPem) },
        user: {
          "client-certificate-data": base64(certPem),
          "client-key-data": base64(keyPem),
        },
      }),
    );
    const conn = load({ file });
    expect(conn.tls.ca).toEqual(Buffer.from(caPem));
    expect(conn.tls.cert).toEqual(Buffer.from(certPem));
    expect(conn.tls.key).toEqual(Buffer.from(keyPem));
    expect(await conn.credentials()).toEqual({});
  });

  it("skips verification for insecure-skip-tls-verify", () => {
    const file = write("config", kubeconfig({ cluster: { "insecure-skip-tls-verify": true } }));
    expect(load({ file }).tls.rejectUnauthorized).toBe(false);
  });

  it("uses the context it is given, and names the others when it does not exist", () => {
    const config = kubeconfig();
    const file = write("config", {
      ...config,
      contexts: [
        { name: "dev", context: { cluster: "c", user: "u" } },
        { name: "prod", context: { cluster: "c", user: "u", namespace: "live" } },
      ],
    });
    expect(load({ file, context: "prod" }).namespace).toBe("live");

    const err = errorOf(() => load({ file, context: "kind-dev" }));
    expect(err).toBeInstanceOf(SettingsError);
    expect(err.message).toBe(
      `kubeconfig ${file}: context "kind-dev" not found (contexts: dev, prod)`,
    );
  });

  it("merges several files: the first to define a name or current-context wins", () => {
    const first = write("a/config", {
      "current-context": "dev",
      clusters: [{ name: "c", cluster: { server: "https://first:6443" } }],
      contexts: [{ name: "dev", context: { cluster: "c", user: "u" } }],
    });
    write("b/ca.crt", caPem);
    const second = write("b/config", {
      "current-context": "other",
      clusters: [
        { name: "c", cluster: { server: "https://second:6443" } },
        { name: "d", cluster: { server: "https://d:6443", "certificate-authority": "ca.crt" } },
      ],
      users: [{ name: "u", user: { token: secret } }],
      contexts: [{ name: "other", context: { cluster: "d", user: "u" } }],
    });
    const missing = path.join(dir, "missing/config");
    const file = [first, missing, second].join(path.delimiter);

    const dev = load({ file });
    expect(dev.name).toBe("dev");
    expect(dev.server).toBe("https://first:6443");

    // A relative path resolves against the folder of the file that defined the entry.
    const other = load({ file, context: "other" });
    expect(other.server).toBe("https://d:6443");
    expect(other.tls.ca).toEqual(Buffer.from(caPem));
  });

  it("reads $KUBECONFIG, then ~/.kube/config", () => {
    const file = write("elsewhere/config", kubeconfig());
    const env = { HOME: dir, KUBECONFIG: file };
    expect(loadConnection({ env }).server).toBe("https://127.0.0.1:6443");

    write(".kube/config", kubeconfig({ cluster: { server: "https://home:6443" } }));
    expect(loadConnection({ env: { HOME: dir } }).server).toBe("https://home:6443");
  });

  it.each([
    [
      "a missing file",
      () => ({ file: path.join(dir, "nope") }),
      /^kubeconfig .*nope: the file does not exist$/,
    ],
    [
      "a list of missing files",
      () => ({ file: [path.join(dir, "a"), path.join(dir, "b")].join(path.delimiter) }),
      /none of these files exists/,
    ],
    [
      "invalid YAML",
      () => ({
        file: write("config", `users:\n  - name: u\n    user:\n      token: ${secret}: x\n`),
      }),
      /^kubeconfig .*config:4:14: invalid YAML: Nested mappings are not allowed/,
    ],
    [
      "a cluster without a server",
      () => ({ file: write("config", kubeconfig({ cluster: { server: null } })) }),
      /^kubeconfig .*config: cluster "c" has no server$/,
    ],
    [
      "a server that is not a URL",
      () => ({ file: write("config", kubeconfig({ cluster: { server: "localhost:6443" } })) }),
      /clusters\[name=c\]\.cluster\.server: "localhost:6443" is not an https:\/\//,
    ],
    [
      "a proxy-url",
      () => ({
        file: write("config", kubeconfig({ cluster: { "proxy-url": "http://proxy:3128" } })),
      }),
      /clusters\[name=c\]\.cluster\.proxy-url: is not supported/,
    ],
    [
      "an auth-provider",
      () => ({
        file: write("config", kubeconfig({ user: { "auth-provider": { name: "oidc" } } })),
      }),
      /users\[name=u\]\.user\.auth-provider: is not supported .* use an exec plugin/,
    ],
    [
      "a client certificate without its key",
      () => ({
        file: write("config", kubeconfig({ user: { "client-certificate-data": base64(certPem) } })),
      }),
      /users\[name=u\]\.user\.client-key: is not set, but client-certificate is$/,
    ],
    [
      "a client key that cannot be read",
      () => ({
        file: write(
          "config",
          kubeconfig({
            user: {
              token: secret,
              "client-certificate-data": base64(certPem),
              "client-key": "/x/key.pem",
            },
          }),
        ),
      }),
      /^kubeconfig .*config: users\[name=u\]\.user\.client-key: cannot read \/x\/key\.pem: ENOENT$/,
    ],
    [
      "a missing tokenFile",
      () => ({ file: write("config", kubeconfig({ user: { tokenFile: "token" } })) }),
      /users\[name=u\]\.user\.tokenFile: cannot read .*token: ENOENT$/,
    ],
    [
      "a token and a password",
      () => ({
        file: write(
          "config",
          kubeconfig({ user: { token: secret, username: "a", password: secret } }),
        ),
      }),
      /users\[name=u\]\.user: sets token and username\/password; use one/,
    ],
    [
      "a context naming a missing user",
      () => ({ file: write("config", kubeconfig({ context: { user: "nobody" } })) }),
      /contexts\[name=dev\]\.context\.user: user "nobody" not found \(users: u\)/,
    ],
    [
      "an exec plugin that needs a terminal",
      () => ({
        file: write(
          "config",
          kubeconfig({
            user: {
              exec: {
                apiVersion: "client.authentication.k8s.io/v1",
                command: "x",
                interactiveMode: "Always",
              },
            },
          }),
        ),
      }),
      /users\[name=u\]\.user\.exec\.interactiveMode: is Always/,
    ],
    [
      "no kubeconfig and not in a pod",
      () => ({}),
      /^no kubeconfig found: KUBECONFIG is not set and .*\.kube\/config does not exist, and KUBERNETES_SERVICE_HOST/,
    ],
  ])("refuses %s, naming the file and field, never the secret", (_, options, message) => {
    const err = errorOf(() => load(options()));
    expect(err).toBeInstanceOf(SettingsError);
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain(secret);
  });
});

describe("loadConnection in a pod", () => {
  function serviceAccount(): string {
    write("sa/ca.crt", caPem);
    write("sa/token", "pod-token\n");
    write("sa/namespace", "gitops\n");
    return path.join(dir, "sa");
  }

  it("reads the service account's CA, token and namespace", async () => {
    const conn = loadConnection({
      env: { HOME: dir, KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" },
      serviceAccountDir: serviceAccount(),
    });
    expect(conn.server).toBe("https://10.96.0.1:443");
    expect(conn.name).toBe("in-cluster");
    expect(conn.namespace).toBe("gitops");
    expect(conn.tls).toEqual({ ca: Buffer.from(caPem), rejectUnauthorized: true });
    expect(await conn.credentials()).toEqual({ authorization: "Bearer pod-token" });
  });

  it("brackets an IPv6 host", () => {
    const conn = loadConnection({
      env: { HOME: dir, KUBERNETES_SERVICE_HOST: "fd00::1", KUBERNETES_SERVICE_PORT: "443" },
      serviceAccountDir: serviceAccount(),
    });
    expect(conn.server).toBe("https://[fd00::1]:443");
  });

  it("says which file is missing", () => {
    const err = errorOf(() =>
      loadConnection({
        env: { HOME: dir, KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" },
        serviceAccountDir: path.join(dir, "none"),
      }),
    );
    expect(err).toBeInstanceOf(SettingsError);
    expect(err.message).toMatch(/^in-cluster: cannot read .*none\/ca\.crt: ENOENT$/);
  });
});

describe("exec plugins", () => {
  const apiVersion = "client.authentication.k8s.io/v1";

  /** Writes bin/plugin.sh: it counts its runs in $RUNS, saves KUBERNETES_EXEC_INFO in $INFO and prints `status`. */
  function plugin(status = '"token":"exec-%s"%s'): void {
    write(
      "bin/plugin.sh",
      [
        "#!/bin/sh",
        'n=$(cat "$RUNS" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$RUNS"',
        'printf "%s" "$KUBERNETES_EXEC_INFO" > "$INFO"',
        "sleep 0.2",
        `printf '{"apiVersion":"${apiVersion}","kind":"ExecCredential","status":{${status}}}' "$n" "$EXTRA"`,
        "",
      ].join("\n"),
      0o755,
    );
  }

  /** Loads a kubeconfig whose user runs ./bin/plugin.sh, a path relative to the kubeconfig. */
  function load(exec: object = {}, env: Record<string, string> = {}): Connection {
    const vars = { RUNS: path.join(dir, "runs"), INFO: path.join(dir, "info"), ...env };
    const file = write(
      "config",
      kubeconfig({
        cluster: { "certificate-authority-data": base64(caPem) },
        user: {
          exec: {
            apiVersion,
            command: "./bin/plugin.sh",
            env: Object.entries(vars).map(([name, value]) => ({ name, value })),
            provideClusterInfo: true,
            ...exec,
          },
        },
      }),
    );
    return loadConnection({ file, env: { HOME: dir, PATH: process.env.PATH } });
  }

  function runs(): number {
    return Number(readFileSync(path.join(dir, "runs"), "utf8"));
  }

  it("runs once for concurrent callers, caches without an expiry, runs again after invalidate()", async () => {
    plugin();
    const conn = load();
    const answers = await Promise.all([conn.credentials(), conn.credentials(), conn.credentials()]);
    expect(answers).toEqual(Array(3).fill({ authorization: "Bearer exec-1" }));
    expect(await conn.credentials()).toEqual({ authorization: "Bearer exec-1" });
    expect(runs()).toBe(1);

    conn.invalidate();
    expect(await conn.credentials()).toEqual({ authorization: "Bearer exec-2" });
    expect(runs()).toBe(2);

    expect(JSON.parse(readFileSync(path.join(dir, "info"), "utf8"))).toEqual({
      apiVersion,
      kind: "ExecCredential",
      spec: {
        interactive: false,
        cluster: {
          server: "https://127.0.0.1:6443",
          "certificate-authority-data": base64(caPem),
        },
      },
    });
  });

  it("caches until expirationTimestamp minus a margin", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    plugin();
    const expires = new Date(Date.now() + 60_000).toISOString();
    const conn = load({}, { EXTRA: `,"expirationTimestamp":"${expires}"` });
    expect(await conn.credentials()).toEqual({ authorization: "Bearer exec-1" });
    vi.advanceTimersByTime(45_000);
    expect(await conn.credentials()).toEqual({ authorization: "Bearer exec-1" });
    vi.advanceTimersByTime(6_000); // 9 s before expiry
    expect(await conn.credentials()).toEqual({ authorization: "Bearer exec-2" });
  });

  it("names the command and shows stderr's last lines when it fails, and runs again next time", async () => {
    write(
      "bin/fail.sh",
      `#!/bin/sh\necho "$1"\necho "first" >&2\necho "error: login required" >&2\nexit 3\n`,
      0o755,
    );
    const conn = load({ command: "./bin/fail.sh", args: [secret] });
    const err = await rejectionOf(conn.credentials());
    expect(err).toBeInstanceOf(ClusterUnavailableError);
    expect(err.message).toMatch(
      /^kubeconfig .*config: users\[name=u\]\.user\.exec: ".*bin\/fail\.sh" exited with code 3:\nfirst\nerror: login required$/,
    );
    expect(err.message).not.toContain(secret);
    expect(await rejectionOf(conn.credentials())).toBeInstanceOf(ClusterUnavailableError);
  });

  it("says when the command is not found, with its install hint", async () => {
    const conn = load({ command: "no-such-plugin-here", installHint: "brew install it" });
    const err = await rejectionOf(conn.credentials());
    expect(err).toBeInstanceOf(SettingsError);
    expect(err.message).toMatch(/"no-such-plugin-here" not found\nbrew install it$/);
  });

  it.each([
    [
      "a client certificate",
      '"clientCertificateData":"cert","clientKeyData":"key"',
      /returned a client certificate; only tokens/,
    ],
    ["no token", '"expirationTimestamp":"2030-01-01T00:00:00Z"', /returned no status\.token/],
    [
      "a bad expirationTimestamp",
      `"token":"${secret}","expirationTimestamp":"soon"`,
      /expirationTimestamp that is not a time/,
    ],
  ])("refuses an ExecCredential with %s, never quoting it", async (_, status, message) => {
    plugin(status);
    const err = await rejectionOf(load().credentials());
    expect(err).toBeInstanceOf(SettingsError);
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain(secret);
  });
});
