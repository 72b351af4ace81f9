import { describe, expect, it } from "vitest";
import type { EnvironmentValues } from "./environment-check.js";
import { loadControl } from "./load-control.js";
import { MemoryTree } from "./memory-tree.js";
import { environmentsInUse } from "./platform-environments.js";

const doc = (kind: string, name: string, spec: string) =>
  `apiVersion: kubefox.io/v1alpha1\nkind: ${kind}\nmetadata: {name: ${name}}\nspec: ${spec}\n`;
const env = (name: string, spec = "{}") => ({
  [`environments/${name}.yaml`]: doc("Environment", name, spec),
});
const config = (name: string, spec = "{}") => ({
  [`configs/${name}.yaml`]: doc("Config", name, spec),
});
const platform = (name: string, spec: string) => ({
  [`platforms/${name}.yaml`]: doc("Platform", name, `{namespace: ${name}, ${spec}}`),
});
const secret = { secretRef: { name: "db", key: "password" } };

describe("environmentsInUse", () => {
  it.each<[string, Record<string, string>, EnvironmentValues[]]>([
    ["no platforms", { ...env("prod") }, []],
    [
      "a release, vars inherited, secrets from its config",
      {
        ...env("base", "{vars: {region: eu, tier: 1}}"),
        ...env("prod", "{inherits: base, config: prod, vars: {tier: 2}}"),
        ...config("prod", "{secrets: {dbPassword: {secretRef: {name: db, key: password}}}}"),
        ...platform("live", "releases: [{environment: prod, ref: tag/v*}]"),
      },
      [
        {
          name: "prod",
          vars: { region: "eu", tier: 2 },
          config: "prod",
          secrets: { dbPassword: secret },
        },
      ],
    ],
    [
      "deployments that name one, not those that do not",
      {
        ...env("dev", "{vars: {region: local}}"),
        ...platform("dev", "deployments: [{ref: branch/main}, {ref: tag/v1, environment: dev}]"),
      },
      [{ name: "dev", vars: { region: "local" }, secrets: {} }],
    ],
    [
      "each once, however many platforms and entries name it, in name order",
      {
        ...env("prod"),
        ...env("dev"),
        ...platform("a", "releases: [{environment: prod, ref: tag/v*}]"),
        ...platform(
          "b",
          "deployments: [{ref: branch/main, environment: prod}, {ref: branch/dev, environment: dev}], releases: [{environment: prod, ref: tag/v*}]",
        ),
      },
      [
        { name: "dev", vars: {}, secrets: {} },
        { name: "prod", vars: {}, secrets: {} },
      ],
    ],
    [
      "a config that could not be read: secrets unknown",
      {
        ...env("prod", "{config: prod}"),
        ...config("prod", "{secrets: 1}"),
        ...platform("live", "releases: [{environment: prod, ref: tag/v*}]"),
      },
      [{ name: "prod", vars: {}, config: "prod", secrets: undefined }],
    ],
    [
      "environments that are missing, invalid or inherit in a loop: left out",
      {
        ...env("broken", "{vars: 1}"),
        ...env("a", "{inherits: b}"),
        ...env("b", "{inherits: a}"),
        ...env("orphan", "{inherits: gone}"),
        ...platform(
          "live",
          "releases: [{environment: missing, ref: tag/v*}, {environment: broken, ref: tag/v*}, {environment: a, ref: tag/v*}, {environment: orphan, ref: tag/v*}]",
        ),
      },
      [],
    ],
    [
      "a platform that is invalid: not read",
      { ...env("prod"), ...platform("live", "releases: [{environment: prod}]") },
      [],
    ],
  ])("%s", async (_, files, expected) => {
    const { model } = await loadControl(new MemoryTree(files));
    expect(environmentsInUse(model)).toStrictEqual(expected);
  });
});
