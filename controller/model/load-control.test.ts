import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../errors.js";
import { FsTree } from "./fs-tree.js";
import { resolveVars } from "./inherit.js";
import { loadControl } from "./load-control.js";
import { MemoryTree, type MemoryEntry } from "./memory-tree.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const doc = (kind: string, name: string, spec: string) =>
  `apiVersion: kubefox.io/v1alpha1\nkind: ${kind}\nmetadata: {name: ${name}}\nspec: ${spec}\n`;
const env = (name: string, spec = "{}") => doc("Environment", name, spec);
const config = (name: string, spec = "{}") => doc("Config", name, spec);
const platform = (name: string, spec: string) => doc("Platform", name, spec);

async function problemsOf(entries: Record<string, MemoryEntry>): Promise<string[]> {
  return (await loadControl(new MemoryTree(entries))).problems.map(formatProblem);
}

describe("loadControl", () => {
  it("reads the control files of DESIGN §2", async () => {
    const { model, problems } = await loadControl(
      new FsTree(path.join(root, "test/fixtures/model/design")),
    );
    expect(problems.map(formatProblem)).toEqual([]);
    expect(Object.keys(model.environments)).toEqual(["base", "dev", "prod", "staging"]);
    expect(model.environments.prod!.spec.releasePolicy).toEqual({
      activationDeadlineSeconds: 300,
      historyLimit: 10,
    });
    expect(model.environments.staging!.spec.releasePolicy).toEqual({
      activationDeadlineSeconds: 60,
      historyLimit: 10,
    });
    expect(resolveVars(model.environments, "staging")).toEqual({
      ok: true,
      value: {
        region: "eu-west-1",
        logLevel: "info",
        retries: 3,
        tracing: false,
        domain: "shop.staging.example.com",
      },
    });
    expect(model.configs.prod!.spec.secrets.dbPassword).toEqual({
      secretRef: { name: "shop-db", key: "password" },
    });
    expect(model.platforms.dev!.spec).toMatchObject({
      cluster: { context: "kind-dev" },
      namespace: "shop-dev",
      policy: {
        allowPrivileged: false,
        allowHostNetwork: false,
        allowHostPID: false,
        allowHostPath: false,
      },
      allowEmpty: false,
      deployments: [{ ref: "branch/main" }, { ref: "tag/v1.4.0", environment: "dev" }],
      releases: [
        { environment: "prod", ref: "tag/v*" },
        { environment: "staging", ref: "branch/main" },
      ],
    });
  });

  it("reads nothing, and finds nothing wrong, where there are no control files", async () => {
    expect(await loadControl(new MemoryTree({ "kubefox.yaml": "x" }))).toEqual({
      model: { environments: {}, configs: {}, platforms: {}, notifications: {} },
      problems: [],
    });
  });

  it("keeps the valid files when others are broken", async () => {
    const { model, problems } = await loadControl(
      new MemoryTree({
        "environments/a.yaml": env("a"),
        "environments/b.yaml": env("b", "{vars: []}"),
      }),
    );
    expect(Object.keys(model.environments)).toEqual(["a"]);
    expect(problems.map(formatProblem)).toEqual([
      "environments/b.yaml:4:8: spec.vars must be a map, got a list",
    ]);
  });

  it.each<[string, Record<string, MemoryEntry>, string[]]>([
    [
      "a config that does not exist",
      { "environments/prod.yaml": env("prod", "{config: prod}") },
      ["environments/prod.yaml:4:16: config prod does not exist (there is no configs/prod.yaml)"],
    ],
    [
      "nothing more about a config that exists but is broken",
      {
        "environments/prod.yaml": env("prod", "{config: prod}"),
        "configs/prod.yaml": config("prod", "{secrets: 1}"),
      },
      ["configs/prod.yaml:4:17: spec.secrets must be a map, got 1"],
    ],
    [
      "an environment that inherits from nowhere",
      { "environments/prod.yaml": env("prod", "{inherits: base}") },
      [
        "environments/prod.yaml:4:18: environment base does not exist (there is no environments/base.yaml)",
      ],
    ],
    [
      "an inheritance cycle, in each environment of it",
      {
        "environments/a.yaml": env("a", "{inherits: b}"),
        "environments/b.yaml": env("b", "{inherits: a}"),
        "environments/c.yaml": env("c", "{inherits: a}"),
        "environments/d.yaml": env("d", "{inherits: d}"),
      },
      [
        "environments/a.yaml:4:18: inheritance cycle: a → b → a",
        "environments/b.yaml:4:18: inheritance cycle: b → a → b",
        "environments/d.yaml:4:18: inheritance cycle: d → d",
      ],
    ],
    [
      "cross-references beside schema problems",
      { "environments/prod.yaml": env("prod", "{config: prod, hostNames: [A]}") },
      [
        "environments/prod.yaml:4:16: config prod does not exist (there is no configs/prod.yaml)",
        'environments/prod.yaml:4:34: spec.hostNames[0] must be a DNS host name (lowercase, e.g. shop.example.com) or an IP address, got "A"',
      ],
    ],
    [
      "platforms naming environments that do not exist",
      {
        "environments/dev.yaml": env("dev"),
        "platforms/p.yaml": platform(
          "p",
          "\n  namespace: p\n  deployments: [{ref: branch/main, environment: dev}, {ref: branch/x, environment: qa}]\n  releases: [{environment: prod, ref: tag/v*}]",
        ),
      },
      [
        "platforms/p.yaml:6:84: environment qa does not exist (there is no environments/qa.yaml)",
        "platforms/p.yaml:7:28: environment prod does not exist (there is no environments/prod.yaml)",
      ],
    ],
    [
      "a ref deployed twice and an environment released twice",
      {
        "environments/prod.yaml": env("prod"),
        "platforms/p.yaml": platform(
          "p",
          "\n  namespace: p\n  deployments: [{ref: branch/main}, {ref: branch/main}]\n  releases: [{environment: prod, ref: tag/v*}, {environment: prod, ref: branch/main}]",
        ),
      },
      [
        "platforms/p.yaml:6:43: spec.deployments[1] deploys branch/main again (see spec.deployments[0]); a platform deploys each ref once",
        "platforms/p.yaml:7:62: spec.releases[1] releases environment prod again (see spec.releases[0]); a platform has one release per environment",
      ],
    ],
    [
      "two platforms in one namespace of one cluster",
      {
        "platforms/a.yaml": platform("a", "{namespace: shop}"),
        "platforms/b.yaml": platform("b", "{namespace: shop}"),
        "platforms/c.yaml": platform("c", "{namespace: shop, cluster: {context: other}}"),
      },
      [
        "platforms/b.yaml:4:19: namespace shop on the default cluster is already platform a's; each platform needs its own",
      ],
    ],
    [
      "a file named after another environment",
      { "environments/prod.yaml": env("production") },
      ['environments/prod.yaml:3:18: metadata.name "production" must match the file name "prod"'],
    ],
    [
      "a .yml file, a folder and a link where files belong",
      {
        "environments/a.yml": env("a"),
        "environments/b.yaml/c": "x",
        "environments/c.yaml": { type: "symlink" },
        "environments/README.md": "# environments",
      },
      [
        "environments/a.yml:1:1: is not read: name it a.yaml",
        "environments/b.yaml:1:1: is a folder; expected a file",
        "environments/c.yaml:1:1: is a symbolic link, and links are not followed; expected a file",
      ],
    ],
    [
      "a folder that is a file",
      { platforms: "local.yaml" },
      ["platforms:1:1: is a file; expected a folder of Platform files"],
    ],
  ])("reports %s", async (_, entries, expected) => {
    expect(await problemsOf(entries)).toEqual(expected);
  });
});
