import { describe, expect, it } from "vitest";
import { releaseStatus, removedReleaseStatus } from "./release-status.js";
import type { ReleaseState, ReleaseVersion } from "./release.js";
import type { ComponentHealth, InventoryEntry, NotReadyObject, State } from "../status/status.js";

const policy = { activationDeadlineSeconds: 300, historyLimit: 10 };

function version(name: string): ReleaseVersion {
  return {
    releaseId: `prod-${name}`,
    commit: name.repeat(40),
    ref: "tag/v*",
    requestTime: "2030-01-01T00:00:00.000Z",
    inventory: [{ apiVersion: "apps/v1", kind: "Deployment", name: `web-${name}` }],
  };
}
const state = (parts: Partial<ReleaseState>): ReleaseState => ({
  environment: "prod",
  ref: "tag/v*",
  history: [],
  front: [],
  retiring: [],
  ...parts,
});
/** Deployment web-a is Ready, web-b is Progressing. */
const components = (inventory: InventoryEntry[]): ComponentHealth[] =>
  inventory.map((e) => ({
    app: "store",
    component: "web",
    deployment: e.name,
    state: e.name === "web-a" ? "Ready" : "Progressing",
    replicas: "1/1",
  }));
/** Every object but web-a is not ready. */
const notReady = (inventory: InventoryEntry[]): NotReadyObject[] =>
  inventory
    .filter((e) => e.name !== "web-a")
    .map((e) => ({ ...e, state: "Progressing", message: "Updated: 0/1" }));
const health = (inventory: InventoryEntry[]) => ({
  components: components(inventory),
  notReady: notReady(inventory),
});
const archivedB = {
  releaseId: "prod-b",
  commit: "b".repeat(40),
  ref: "tag/v*",
  requestTime: "2030-01-01T00:00:00.000Z",
  archiveTime: "2030-01-01T00:05:00.000Z",
};

describe("releaseStatus", () => {
  it.each<{ name: string; state: ReleaseState; want: State }>([
    { name: "nothing yet", state: state({}), want: "Pending" },
    { name: "first version pending", state: state({ pending: version("b") }), want: "Progressing" },
    {
      name: "a version pending beside the active one",
      state: state({ active: version("a"), pending: version("b") }),
      want: "Progressing",
    },
    { name: "active, healthy", state: state({ active: version("a") }), want: "Ready" },
    { name: "active, rolling", state: state({ active: version("b") }), want: "Progressing" },
    {
      name: "active, with an error (it keeps serving)",
      state: state({ active: version("a"), lastError: "x", lastErrorCode: "RefNotFound" }),
      want: "Ready",
    },
    {
      name: "nothing active and an error",
      state: state({ lastError: "x", lastErrorCode: "ValidationFailed" }),
      want: "Failed",
    },
    {
      name: "nothing active, the first version missed its deadline",
      state: state({ history: [{ ...archivedB, reason: "PendingDeadlineExceeded" }] }),
      want: "Failed",
    },
  ])("$name: $want", ({ state: s, want }) => {
    expect(releaseStatus(s, policy, health).state).toBe(want);
  });

  it("carries the stored state, both versions' health and the pending deadline", () => {
    const s = state({ active: version("a"), pending: version("b"), routingSecret: true });
    expect(releaseStatus(s, policy, health)).toEqual({
      ...s,
      state: "Progressing",
      components: components(version("a").inventory),
      pendingComponents: components(version("b").inventory),
      pendingNotReady: notReady(version("b").inventory),
      deadline: "2030-01-01T00:05:00.000Z",
    });
    expect(releaseStatus(state({ active: version("a") }), policy, health)).not.toHaveProperty(
      "deadline",
    );
  });

  it("holds an active version out of Ready while another of its objects is not ready, and says why", () => {
    const a = version("a");
    const claim = { apiVersion: "v1", kind: "PersistentVolumeClaim", name: "data-a" };
    const status = releaseStatus(
      state({ active: { ...a, inventory: [...a.inventory, claim] } }),
      policy,
      health,
    );
    expect(status.state).toBe("Progressing");
    expect(status.notReady).toEqual([{ ...claim, state: "Progressing", message: "Updated: 0/1" }]);
    expect(releaseStatus(state({ active: a }), policy, health)).not.toHaveProperty("notReady");
  });

  it("says why a release removed from the platform file still has objects", () => {
    expect(removedReleaseStatus(state({ active: version("a") }))).toMatchObject({
      state: "Pending",
      components: [],
      lastError: "removed from the platform file; its objects stay until a sync may prune",
    });
  });
});
