import type { V1Deployment } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { deploymentHealth } from "./health.js";
import { worst } from "../status/status.js";

function d(status: V1Deployment["status"], replicas = 2, generation = 1): V1Deployment {
  return { metadata: { generation }, spec: { replicas, selector: {}, template: {} }, status };
}

const available = { type: "Available", status: "True" };

describe("deploymentHealth", () => {
  it.each([
    ["not created", undefined, "Progressing"],
    ["spec not observed", d({ observedGeneration: 1 }, 2, 2), "Progressing"],
    [
      "rolling",
      d({ observedGeneration: 1, replicas: 3, updatedReplicas: 1, availableReplicas: 2 }),
      "Progressing",
    ],
    [
      "old pods terminating",
      d({ observedGeneration: 1, replicas: 3, updatedReplicas: 2, availableReplicas: 2 }),
      "Progressing",
    ],
    [
      "stuck",
      d({
        observedGeneration: 1,
        conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }],
      }),
      "Degraded",
    ],
    [
      "available",
      d({
        observedGeneration: 1,
        replicas: 2,
        updatedReplicas: 2,
        availableReplicas: 2,
        readyReplicas: 2,
        conditions: [available],
      }),
      "Ready",
    ],
    ["scaled to zero", d({ observedGeneration: 1 }, 0), "Ready"],
  ] as [string, V1Deployment | undefined, string][])("%s → %s", (_n, live, state) => {
    expect(deploymentHealth(live).state).toBe(state);
  });
});

describe("worst", () => {
  it("takes the worst state, Ready when there is none", () => {
    expect(worst([])).toBe("Ready");
    expect(worst(["Ready", "Progressing", "Ready"])).toBe("Progressing");
    expect(worst(["Degraded", "Failed", "Progressing"])).toBe("Failed");
  });
});
