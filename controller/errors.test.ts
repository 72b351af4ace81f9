// The error catalogue (fastify keeps one and a test that every code is
// documented): every code is in the README's "Error codes" table and every
// row of the table is a code; every error class is a KubefoxError with a code
// from the catalogue (isomorphic-git: tests assert instanceof, never a name).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { KubeApiError } from "./cluster/http.js";
import {
  ActivationDeadlineError,
  ClusterUnavailableError,
  ConflictError,
  errorCode,
  errorCodes,
  KubefoxError,
  NotLeaderError,
  PolicyError,
  RefNotFoundError,
  retryable,
  SettingsError,
  SourceError,
  ValidationError,
  type ErrorCode,
  type Retry,
} from "./errors.js";
import { RuleError } from "./model/route-tokens.js";
import { CorruptObjectError } from "./source/git/delta.js";
import { ProtocolError } from "./source/git/pkt-line.js";
import { HttpTimeoutError } from "./source/http.js";

const root = path.join(import.meta.dirname, "..");

/** The codes in the first column of the README's "Error codes" table. */
function documentedCodes(): string[] {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const section = readme.split(/^### Error codes$/m)[1]?.split(/^#/m)[0] ?? "";
  return [...section.matchAll(/^\| `([A-Za-z]+)` \|/gm)].map((m) => m[1]!);
}

describe("the error catalogue", () => {
  it("is documented in full in the README's Error codes table, and the table holds nothing else", () => {
    const documented = documentedCodes();
    expect(documented.length).toBeGreaterThan(0);
    expect([...documented].sort()).toEqual([...errorCodes].sort());
  });

  it("has each code once", () => {
    expect(new Set(errorCodes).size).toBe(errorCodes.length);
  });
});

describe("the error classes", () => {
  const cases: [KubefoxError, ErrorCode, Retry][] = [
    [
      new ValidationError([{ file: "apps/a/app.yaml", line: 3, col: 5, message: "bad" }]),
      "ValidationFailed",
      "never",
    ],
    [new RuleError("is empty", 0), "ValidationFailed", "never"],
    [new RefNotFoundError("branch/x", "no such branch"), "RefNotFound", "never"],
    [new SourceError("https://git.example/r.git", "timed out"), "SourceUnavailable", "backoff"],
    [
      new SourceError("https://git.example/r.git", "access denied (HTTP 403)", { retry: "never" }),
      "SourceUnavailable",
      "never",
    ],
    [new ProtocolError("bad pkt-line length"), "SourceUnavailable", "backoff"],
    [new CorruptObjectError("not a pack"), "SourceUnavailable", "backoff"],
    [new HttpTimeoutError("no answer"), "SourceUnavailable", "backoff"],
    [new ClusterUnavailableError("apply on https://k:6443"), "ClusterUnavailable", "backoff"],
    [new KubeApiError(503, undefined, "GET /api/v1"), "ClusterRejected", "backoff"],
    [new KubeApiError(429, undefined, "GET /api/v1"), "ClusterRejected", "backoff"],
    [new KubeApiError(422, { message: "invalid" }, "apply x"), "ClusterRejected", "never"],
    [new KubeApiError(403, undefined, "apply x"), "ClusterRejected", "never"],
    [new ConflictError([{ kind: "Service", name: "web" }]), "Conflict", "never"],
    [new PolicyError("privileged containers are refused"), "PolicyViolation", "never"],
    [new SettingsError("--repo is required"), "InvalidSettings", "never"],
    [new ActivationDeadlineError("not Available in 300 s"), "ActivationDeadlineExceeded", "never"],
    [new NotLeaderError("apply ConfigMap ns/x"), "NotLeader", "never"],
  ];

  it.each(cases)("%s: code %s, retry %s", (err, code, retry) => {
    expect(err).toBeInstanceOf(KubefoxError);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe(code);
    expect(errorCodes).toContain(err.code);
    expect(err.retry).toBe(retry);
    expect(retryable(err)).toBe(retry === "backoff");
    expect(errorCode(err)).toBe(code);
    expect(err.name).toBe(err.constructor.name);
    expect(err.message).not.toMatch(/\[object Object\]|\{\}/);
  });

  it("names every object of a conflict, with the data to go with it", () => {
    const err = new ConflictError([
      { kind: "Service", name: "web", namespace: "shop" },
      { kind: "ConfigMap", name: "web-env", namespace: "shop" },
    ]);
    expect(err.message).toBe(
      "Service shop/web, ConfigMap shop/web-env: exist without the label app.kubernetes.io/managed-by=kubefox-gitops: left alone",
    );
    expect(err.objects).toHaveLength(2);
  });

  it("says which write a replica that does not lead refused", () => {
    const err = new NotLeaderError("delete Deployment shop/web");
    expect(err.message).toBe("delete Deployment shop/web: not the leader");
    expect(err.what).toBe("delete Deployment shop/web");
  });

  it("are the controller's only error classes: none but KubefoxError extends Error directly", () => {
    const outside: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
          const text = readFileSync(file, "utf8");
          for (const m of text.matchAll(/class (\w+) extends (?:Error|TypeError|RangeError)\b/g))
            outside.push(`${path.relative(root, file)}: ${m[1]}`);
        }
      }
    };
    walk(path.join(root, "controller"));
    expect(outside).toEqual(["controller/errors.ts: KubefoxError"]);
  });
});

describe("errorCode", () => {
  it.each([
    ["an Error without a code", new Error("boom")],
    ["a string", "boom"],
    ["undefined", undefined],
    ["an object that claims a code", { code: "Conflict" }],
  ])("is Internal for %s", (_, thrown) => {
    expect(errorCode(thrown)).toBe("Internal");
  });
});

describe("retryable", () => {
  it.each([
    ["an Error", new Error("ECONNRESET")],
    ["a string", "timeout"],
    ["an object that says backoff", { retry: "backoff" }],
  ])("is false for %s: only our errors say to retry", (_, thrown) => {
    expect(retryable(thrown)).toBe(false);
  });
});
