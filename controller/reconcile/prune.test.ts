import { describe, expect, it } from "vitest";
import { planPrune } from "./prune.js";

const e = (kind: string, name: string) => ({ apiVersion: "v1", kind, name, namespace: "ns" });

describe("planPrune", () => {
  it("keeps what is still desired and prunes the rest once", () => {
    const previous = [
      e("ConfigMap", "a"),
      e("ConfigMap", "b"),
      e("Service", "a"),
      e("ConfigMap", "b"),
    ];
    expect(planPrune(previous, [e("ConfigMap", "a")])).toEqual([
      e("ConfigMap", "b"),
      e("Service", "a"),
    ]);
  });
  it("prunes nothing without a previous inventory", () => {
    expect(planPrune([], [e("ConfigMap", "a")])).toEqual([]);
  });
});
