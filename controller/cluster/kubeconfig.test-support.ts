// What kubeconfig.test.ts and exec-plugin.test.ts share (and, for a plain
// connection, the client's own tests): a fresh folder per test
// to write kubeconfigs (and plugins) into, a kubeconfig to start from, and ways to
// catch what a call throws. Not a *.test.ts file, so vitest runs nothing here.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, vi } from "vitest";
import { stringify } from "yaml";
import type { Connection } from "./kubeconfig.js";

/** A connection to a test's own HTTP server, with no credentials: for tests of the client itself. */
export function plainConnection(server: string): Connection {
  return {
    server,
    name: "test",
    tls: { rejectUnauthorized: true },
    credentials: () => Promise.resolve({}),
    invalidate: () => undefined,
  };
}

/** The token tests put in kubeconfigs and plugins; no message may contain it. */
export const secret = "s3cret-t0ken-value";
export const caPem = "-----BEGIN CERTIFICATE-----\nY2E=\n-----END CERTIFICATE-----\n";

/** The current test's folder (a live binding: useTestFolder sets it before each test). */
export let dir: string;

/** Gives each test of the calling file a fresh folder, removed after it, and real timers again. */
export function useTestFolder(): void {
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "kubeconfig-test-"));
  });

  afterEach(() => {
    vi.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });
}

/** Writes a file under the test's folder (objects as YAML); returns its path. */
export function write(name: string, content: string | object, mode = 0o644): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof content === "string" ? content : stringify(content), { mode });
  return file;
}

/** A kubeconfig whose current context "dev" joins cluster "c" and user "u". */
export function kubeconfig(
  parts: { cluster?: object; user?: object; context?: object } = {},
): object {
  return {
    apiVersion: "v1",
    kind: "Config",
    "current-context": "dev",
    clusters: [{ name: "c", cluster: { server: "https://127.0.0.1:6443/", ...parts.cluster } }],
    users: [{ name: "u", user: parts.user ?? { token: secret } }],
    contexts: [{ name: "dev", context: { cluster: "c", user: "u", ...parts.context } }],
  };
}

export function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error");
}

export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a rejection");
}

export function base64(text: string): string {
  return Buffer.from(text).toString("base64");
}
