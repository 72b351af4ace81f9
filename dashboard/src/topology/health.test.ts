import { describe, expect, it } from "vitest";
import { deploymentHealth, podHealth, replicaSetHealth, worst } from "./health.js";

describe("health", () => {
  it.each([
    [{ phase: "Running", ready: true, restarts: 0 }, "Ready", "Running"],
    [{ phase: "Running", ready: true, restarts: 1 }, "Ready", "Running, 1 restart"],
    [{ phase: "Running", ready: false, restarts: 0 }, "Progressing", "Running, not ready"],
    [{ phase: "Running", ready: false, restarts: 3 }, "Degraded", "Running, not ready, 3 restarts"],
    [{ phase: "Pending", ready: false, restarts: 0 }, "Progressing", "Pending"],
    [{ phase: "Succeeded", ready: false, restarts: 0 }, "Ready", "Succeeded"],
    [{ phase: "Failed", ready: false, restarts: 0 }, "Failed", "Failed"],
    [{ phase: "Unknown", ready: false, restarts: 0 }, "Degraded", "Unknown"],
  ] as const)("a pod %j is %s (%s)", (pod, state, status) => {
    expect(podHealth({ name: "p", ...pod })).toEqual({ state, status });
  });

  it("a ReplicaSet is as bad as its worst pod, and says how many are ready", () => {
    const pods = [
      { name: "a", phase: "Running", ready: true, restarts: 0 },
      { name: "b", phase: "Failed", ready: false, restarts: 0 },
    ];
    expect(replicaSetHealth({ name: "rs", replicas: 2, readyReplicas: 1, pods })).toEqual({
      state: "Failed",
      status: "1/2 ready",
    });
    expect(replicaSetHealth({ name: "rs", replicas: 0, readyReplicas: 0, pods: [] })).toEqual({
      state: "Ready",
      status: "scaled to 0",
    });
  });

  it("a Deployment takes the platform status's state, or its replicas without one", () => {
    const d = { name: "d", replicas: "1/2", replicaSets: [] };
    expect(deploymentHealth({ ...d, state: "Degraded" })).toEqual({
      state: "Degraded",
      status: "1/2 ready",
    });
    expect(deploymentHealth(d)).toEqual({ state: "Progressing", status: "1/2 ready" });
    expect(deploymentHealth({ ...d, replicas: "2/2" }).state).toBe("Ready");
  });

  it("worst orders states as the controller does", () => {
    expect(worst([])).toBe("Ready");
    expect(worst(["Ready", "Pending"])).toBe("Pending");
    expect(worst(["Degraded", "Progressing", "Failed"])).toBe("Failed");
  });
});
