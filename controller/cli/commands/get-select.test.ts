import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Snapshot } from "./get-records.js";
import { kindOf, show, type Query } from "./get-select.js";
import { fromConfigMap } from "./get-source.js";

const now = Date.parse("2026-11-27T12:00:00Z");
const a = "a".repeat(40);

/** Two platforms as their status ConfigMaps hold them. */
const stored = (platform: string, namespace: string, refs: string[], releases: string[]) => ({
  metadata: {
    name: "kubefox-gitops-status",
    namespace,
    labels: { "kubefox.io/platform": platform },
  },
  data: {
    "status.json": JSON.stringify({
      system: "shop",
      deployments: refs.map((ref) => ({
        ref,
        id: a,
        appliedId: a,
        state: "Ready",
        components: [],
        conflicts: [],
        warnings: [],
        inventory: [],
      })),
      releases: Object.fromEntries(
        releases.map((environment) => [
          environment,
          { environment, ref: "tag/v*", history: [], front: [], retiring: [] },
        ]),
      ),
    }),
  },
});

const snapshot: Snapshot = {
  platforms: [
    fromConfigMap(stored("dev", "shop-dev", ["branch/main", "tag/v1"], ["staging"]))!,
    fromConfigMap(stored("prod", "shop-prod", ["branch/main"], ["prod"]))!,
  ],
};

const query = (q: Partial<Query> & Pick<Query, "kind">): Query => ({ output: "table", ...q });

describe("kindOf", () => {
  it.each([
    ["platforms", "platforms"],
    ["platform", "platforms"],
    ["Deployment", "deployments"],
    ["release", "releases"],
    ["repos", "repositories"],
    ["pods", undefined],
    [undefined, undefined],
  ])("%s is %s", (word, kind) => {
    expect(kindOf(word)).toBe(kind);
  });
});

describe("fromConfigMap", () => {
  it("reads a platform's deployments and releases as the status API's records", () => {
    const dev = snapshot.platforms[0]!;
    expect(dev).toMatchObject({ name: "dev", namespace: "shop-dev", system: "shop" });
    expect(dev.deployments[0]).toMatchObject({
      kind: "Deployment",
      platform: "dev",
      ref: "branch/main",
      status: { ready: true, state: "Ready", id: a },
    });
    expect(dev.releases[0]).toMatchObject({
      kind: "Release",
      environment: "staging",
      ref: "tag/v*",
    });
  });

  it("skips a ConfigMap without a platform label or with unreadable status.json", () => {
    expect(
      fromConfigMap({ metadata: { name: "x" }, data: { "status.json": "{}" } }),
    ).toBeUndefined();
    const broken = stored("dev", "ns", [], []);
    broken.data["status.json"] = "{not json";
    expect(fromConfigMap(broken)).toBeUndefined();
  });
});

describe("show", () => {
  it.each<[string, Query, string[] | { notFound: string }]>([
    [
      "every deployment",
      query({ kind: "deployments" }),
      ["dev branch/main", "dev tag/v1", "prod branch/main"],
    ],
    [
      "deployments of a ref",
      query({ kind: "deployments", name: "branch/main" }),
      ["dev branch/main", "prod branch/main"],
    ],
    ["one platform's", query({ kind: "deployments", platform: "prod" }), ["prod branch/main"]],
    [
      "a ref not deployed",
      query({ kind: "deployments", name: "tag/v9" }),
      { notFound: "no deployment of ref tag/v9" },
    ],
    [
      "a ref not on that platform",
      query({ kind: "deployments", name: "tag/v1", platform: "prod" }),
      { notFound: "no deployment of ref tag/v1 on platform prod" },
    ],
    [
      "an unknown platform",
      query({ kind: "releases", platform: "nope" }),
      { notFound: "no platform nope" },
    ],
    ["releases", query({ kind: "releases" }), ["dev staging", "prod prod"]],
    [
      "an unknown release",
      query({ kind: "releases", name: "qa" }),
      { notFound: "no release of environment qa" },
    ],
    ["a platform", query({ kind: "platforms", name: "prod" }), ["prod shop-prod"]],
    [
      "an unknown platform by name",
      query({ kind: "platforms", name: "qa" }),
      { notFound: "no platform qa" },
    ],
    [
      "a system unknown",
      query({ kind: "repositories", name: "shop" }),
      { notFound: "no system shop" },
    ],
  ])("%s", (_, q, expected) => {
    const shown = show(q, snapshot, now);
    if ("notFound" in expected) return expect(shown).toEqual(expected);
    if (!("text" in shown)) throw new Error(shown.notFound);
    const rows = shown.text.trimEnd().split("\n").slice(1);
    expect(rows.map((r) => r.split(/\s+/).slice(0, 2).join(" "))).toEqual(expected);
  });

  it("as JSON: a list, or the one record NAME picked", () => {
    const list = show(query({ kind: "deployments", output: "json" }), snapshot, now);
    expect(JSON.parse((list as { text: string }).text)).toHaveLength(3);
    const one = show(query({ kind: "releases", name: "prod", output: "yaml" }), snapshot, now);
    expect(parse((one as { text: string }).text)).toMatchObject({
      platform: "prod",
      environment: "prod",
    });
  });

  it("history: one table per platform the environment is released on", () => {
    const shown = show(query({ kind: "releases", name: "prod", history: true }), snapshot, now);
    expect(shown).toEqual({ text: "RELEASE   COMMIT   REF   STATUS   AGE   ARCHIVED\n" });
  });

  it("nothing found prints nothing (get says so on stderr)", () => {
    expect(show(query({ kind: "repositories" }), snapshot, now)).toEqual({ text: "" });
  });
});
