import { describe, expect, it } from "vitest";
import { fieldName, formatPath, pointerToPath } from "./field-path.js";

describe("pointerToPath", () => {
  const data = { spec: { ports: [{ name: "http" }], env: { "a/b": "x", "0": "y" } } };
  it.each([
    ["", []],
    ["/spec/ports/0/name", ["spec", "ports", 0, "name"]],
    ["/spec/env/a~1b", ["spec", "env", "a/b"]],
    ["/spec/env/0", ["spec", "env", "0"]],
    ["/spec/missing/0", ["spec", "missing", "0"]],
    ["/a~0b", ["a~b"]],
  ])("%j", (pointer, path) => {
    expect(pointerToPath(pointer, data)).toEqual(path);
  });
});

describe("formatPath", () => {
  it.each([
    [[], ""],
    [["spec", "components", "web", "replicas"], "spec.components.web.replicas"],
    [["spec", "ports", 0, "name"], "spec.ports[0].name"],
    [["spec", "env", "my.var"], 'spec.env["my.var"]'],
    [["spec", "vars", "log-level"], "spec.vars.log-level"],
    [["x y"], '["x y"]'],
  ])("%j → %s", (path, text) => {
    expect(formatPath(path)).toBe(text);
  });

  it("names the root", () => {
    expect(fieldName([])).toBe("the document");
  });
});
