// Exec plugins (exec-plugin.ts), through loadConnection as a controller uses them:
// each test writes a kubeconfig whose user runs a small shell script.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { ClusterUnavailableError, SettingsError } from "../errors.js";
import { loadConnection, type Connection } from "./kubeconfig.js";
import {
  base64,
  caPem,
  dir,
  errorOf,
  kubeconfig,
  rejectionOf,
  secret,
  useTestFolder,
  write,
} from "./kubeconfig.test-support.js";

useTestFolder();

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

  it("refuses an exec plugin that needs a terminal, naming the field", () => {
    const err = errorOf(() => load({ interactiveMode: "Always" }));
    expect(err).toBeInstanceOf(SettingsError);
    expect(err.message).toMatch(/users\[name=u\]\.user\.exec\.interactiveMode: is Always/);
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
