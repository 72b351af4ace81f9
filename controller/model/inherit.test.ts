import { describe, expect, it } from "vitest";
import { inheritanceChain, resolveVars, type Inheriting } from "./inherit.js";

const env = (vars: Inheriting["spec"]["vars"], inherits?: string): Inheriting => ({
  spec: { vars, ...(inherits ? { inherits } : {}) },
});

const environments: Record<string, Inheriting> = {
  base: env({ region: "eu-west-1", logLevel: "info", replicas: 1 }),
  dev: env({ logLevel: "debug", domain: "dev.example.com" }, "base"),
  devx: env({ domain: "x.dev.example.com", debug: true }, "dev"),
  loop1: env({}, "loop2"),
  loop2: env({}, "loop1"),
  self: env({}, "self"),
  intoloop: env({}, "loop1"),
  orphan: env({}, "gone"),
};

describe("resolveVars", () => {
  it.each([
    ["base", { region: "eu-west-1", logLevel: "info", replicas: 1 }],
    ["dev", { region: "eu-west-1", logLevel: "debug", replicas: 1, domain: "dev.example.com" }],
    [
      "devx",
      {
        region: "eu-west-1",
        logLevel: "debug",
        replicas: 1,
        domain: "x.dev.example.com",
        debug: true,
      },
    ],
  ])("%s", (name, vars) => {
    expect(resolveVars(environments, name)).toEqual({ ok: true, value: vars });
  });

  it("leaves the environments as they were", () => {
    resolveVars(environments, "devx");
    expect(environments.base!.spec.vars).toEqual({
      region: "eu-west-1",
      logLevel: "info",
      replicas: 1,
    });
  });

  it.each([
    ["loop1", "inheritance cycle: loop1 → loop2 → loop1", ["loop1", "loop2"]],
    ["self", "inheritance cycle: self → self", ["self"]],
    ["intoloop", "inheritance cycle: loop1 → loop2 → loop1", ["loop1", "loop2"]],
  ])("%s fails: %s", (name, message, cycle) => {
    expect(resolveVars(environments, name)).toEqual({ ok: false, message, cycle });
  });

  it.each([
    ["orphan", "environment gone (inherited by orphan) does not exist"],
    ["nobody", "environment nobody does not exist"],
    ["__proto__", "environment __proto__ does not exist"],
  ])("%s fails: %s", (name, message) => {
    expect(resolveVars(environments, name)).toEqual({ ok: false, message });
  });
});

describe("inheritanceChain", () => {
  it("lists the environment first", () => {
    expect(inheritanceChain(environments, "devx")).toEqual({
      ok: true,
      value: ["devx", "dev", "base"],
    });
  });
});
