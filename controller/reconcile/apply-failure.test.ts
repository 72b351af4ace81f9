import { describe, expect, it } from "vitest";
import { ClusterUnavailableError, ConflictError, KubefoxError } from "../errors.js";
import { applyFailure, type FailedObject } from "./apply-failure.js";

const down: FailedObject = {
  kind: "Deployment",
  name: "web",
  message: "connection refused",
  code: "ClusterUnavailable",
};
const theirs: FailedObject = {
  kind: "Service",
  name: "web",
  message: "exists without our label",
  code: "Conflict",
};
const rejected: FailedObject = { kind: "Ingress", name: "shop", message: "spec.rules: Invalid" };

describe("applyFailure", () => {
  it.each([
    { name: "the cluster did not answer", failed: [down], code: "ClusterUnavailable" },
    { name: "objects that are not ours", failed: [theirs], code: "Conflict" },
    { name: "a write the API server refused", failed: [rejected], code: "Internal" },
    { name: "mixed causes", failed: [down, theirs], code: "Internal" },
  ])("$name: $code", ({ failed, code }) => {
    const error = applyFailure(failed);
    expect(error instanceof KubefoxError ? error.code : "Internal").toBe(code);
  });

  it("keeps the class and says which objects failed and why", () => {
    expect(applyFailure([down])).toBeInstanceOf(ClusterUnavailableError);
    expect(applyFailure([theirs])).toBeInstanceOf(ConflictError);
    expect(applyFailure([down, rejected], "writing status: ").message).toBe(
      "writing status: Deployment web: connection refused; Ingress shop: spec.rules: Invalid",
    );
  });
});
