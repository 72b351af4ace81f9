import { rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { SettingsError } from "../errors.js";
import { loadConnection, type Connection, type LoadOptions } from "./kubeconfig.js";
import {
  base64,
  caPem,
  dir,
  errorOf,
  kubeconfig,
  secret,
  useTestFolder,
  write,
} from "./kubeconfig.test-support.js";

const certPem = "-----BEGIN CERTIFICATE-----\nY2VydA==\n-----END CERTIFICATE-----\n";
const keyPem = "-----BEGIN PRIVATE KEY-----\na2V5\n-----END PRIVATE KEY-----\n";

useTestFolder();

/** Loads with an environment of the test's own, so nothing of this machine leaks in. */
function load(options: LoadOptions = {}): Connection {
  return loadConnection({ env: { HOME: dir, PATH: process.env.PATH }, ...options });
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
