import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { podEventSchema } from "../../schemas/status/pod-event.js";
import { schemaProblems } from "../../schemas/validate.test-support.js";
import { podChanges, podEvent, type PodMemory } from "./pod-events.js";

function pod(ready: boolean, restarts: number): V1Pod {
  return {
    metadata: {
      name: "web-1",
      namespace: "shop-dev",
      labels: {
        "kubefox.io/platform": "dev",
        "kubefox.io/app": "store",
        "kubefox.io/component": "web",
        "kubefox.io/commit": "a".repeat(40),
      },
      annotations: { "kubefox.io/ref": "branch/main" },
    },
    spec: { containers: [], nodeName: "node-1" },
    status: {
      phase: ready ? "Running" : "Pending",
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
      containerStatuses: [
        { name: "web", restartCount: restarts, image: "", imageID: "", ready },
      ] as never,
    },
  };
}

const seen = (ready: boolean, restarts: number): PodMemory => ({ ready, restarts });

describe("podChanges", () => {
  it.each([
    ["a new pod", "add", undefined, pod(false, 0), ["created"]],
    ["a new pod, ready at once", "add", undefined, pod(true, 0), ["created", "ready"]],
    ["a pod turning ready", "update", seen(false, 0), pod(true, 0), ["ready"]],
    ["a ready pod staying ready", "update", seen(true, 0), pod(true, 0), []],
    ["a restart", "update", seen(true, 0), pod(false, 1), ["restarted"]],
    [
      "a restart and ready again between two events",
      "update",
      seen(false, 1),
      pod(true, 2),
      ["restarted", "ready"],
    ],
    [
      "a pod known before, listed again after a watch restart",
      "add",
      seen(true, 0),
      pod(true, 0),
      [],
    ],
    ["a deleted pod", "delete", seen(true, 0), pod(true, 0), ["deleted"]],
  ] as const)("%s → %j", (_what, type, before, p, expected) => {
    expect(podChanges(type, before, p)).toEqual(expected);
  });
});

describe("podEvent", () => {
  it("says which platform, app, component, ref and commit the pod runs", () => {
    const event = podEvent("ready", pod(true, 0), "2024-01-01T00:00:00.000Z");
    expect(schemaProblems(podEventSchema, event)).toEqual([]);
    expect(event).toEqual({
      time: "2024-01-01T00:00:00.000Z",
      change: "ready",
      namespace: "shop-dev",
      name: "web-1",
      platform: "dev",
      app: "store",
      component: "web",
      ref: "branch/main",
      commit: "a".repeat(40),
      node: "node-1",
      phase: "Running",
      ready: true,
      restarts: 0,
    });
  });
});
