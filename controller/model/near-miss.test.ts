import { describe, expect, it } from "vitest";
import { suggestion } from "./near-miss.js";

describe("suggestion", () => {
  const fields = ["image", "replicas", "ports", "serviceAccountName", "env"];
  it.each([
    ["replica", ' (did you mean "replicas"?)'],
    ["Replicas", ' (did you mean "replicas"?)'],
    ["serviceAcountName", ' (did you mean "serviceAccountName"?)'],
    ["imgae", ' (did you mean "image"?)'],
    ["port", ' (did you mean "ports"?)'],
    ["volumes", " (allowed: image, replicas, ports, serviceAccountName, env)"],
    ["x".repeat(1000), " (allowed: image, replicas, ports, serviceAccountName, env)"],
  ])("%s", (name, text) => {
    expect(suggestion(name, fields)).toBe(text);
  });

  it("says nothing when nothing is allowed", () => {
    expect(suggestion("x", [])).toBe("");
  });
});
