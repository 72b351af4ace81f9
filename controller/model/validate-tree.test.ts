import { describe, expect, it } from "vitest";
import { formatProblem } from "../errors.js";
import { MemoryTree } from "./memory-tree.js";
import { validateTree } from "./validate-tree.js";

const doc = (kind: string, name: string, spec: string) =>
  `apiVersion: kubefox.io/v1alpha1\nkind: ${kind}\nmetadata: {name: ${name}}\nspec: ${spec}\n`;

const system = { "kubefox.yaml": doc("System", "shop", "{}") };
const store = {
  "apps/store/app.yaml": doc(
    "App",
    "store",
    '{components: {web: {image: x, env: {REGION: "{{.Env.region}}"}}}}',
  ),
};
const prod = { "environments/prod.yaml": doc("Environment", "prod", "{}") };
const platform = (name: string, spec: string) => ({
  [`platforms/${name}.yaml`]: doc("Platform", name, `{namespace: ${name}, ${spec}}`),
});
const releasesProd = "releases: [{environment: prod, ref: tag/v*}]";
const hostNetworkPod = {
  "manifests/agent.yaml":
    "apiVersion: v1\nkind: Pod\nmetadata: {name: agent}\nspec:\n  containers: [{name: a, image: a}]\n  hostNetwork: true\n",
};
const hostNetworkRefused = (platform: string) =>
  `manifests/agent.yaml:6:3: Pod agent asks for hostNetwork, which platform ${platform} does not allow`;
const missingRegion =
  "apps/store/app.yaml:4:52: component web: env REGION needs {{.Env.region}}, which environment prod does not define";

describe("validateTree", () => {
  it.each<[string, Record<string, string>, string[]]>([
    [
      "a variable an environment a platform releases lacks",
      { ...system, ...store, ...prod, ...platform("live", releasesProd) },
      [missingRegion],
    ],
    [
      "it once when several platforms release and deploy that environment",
      {
        ...system,
        ...store,
        ...prod,
        ...platform("live", releasesProd),
        ...platform(
          "edge",
          `${releasesProd}, deployments: [{ref: branch/main, environment: prod}]`,
        ),
      },
      [missingRegion],
    ],
    [
      "it beside the system's own problems, for the apps that are valid",
      {
        "kubefox.yaml": doc("System", "Shop", "{}"),
        ...store,
        "apps/bad/app.yaml": doc("App", "bad", '{components: {web: {env: {A: "{{.Env.a}}"}}}}'),
        ...prod,
        ...platform("live", releasesProd),
      },
      [
        'apps/bad/app.yaml:4:21: spec.components.web is missing required field "image"',
        missingRegion,
        "kubefox.yaml:3:18: metadata.name must be a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit, got \"Shop\"",
      ],
    ],
    [
      "nothing of environments no platform uses",
      { ...system, ...store, ...prod, ...platform("live", "deployments: [{ref: branch/main}]") },
      [],
    ],
    ["nothing of environments without control files", { ...system, ...store }, []],
    [
      "a manifest the policy of a platform that deploys it refuses, at the field",
      { ...system, ...hostNetworkPod, ...platform("live", "deployments: [{ref: branch/main}]") },
      [hostNetworkRefused("live")],
    ],
    [
      "it for each platform that refuses it, not for one that allows it",
      {
        ...system,
        ...hostNetworkPod,
        ...platform("live", "deployments: [{ref: branch/main}]"),
        ...platform("edge", "deployments: [{ref: branch/main}]"),
        ...platform("lab", "deployments: [{ref: branch/main}], policy: {allowHostNetwork: true}"),
      },
      [hostNetworkRefused("edge"), hostNetworkRefused("live")],
    ],
    [
      "it beside the system's own problems",
      {
        ...system,
        ...hostNetworkPod,
        "apps/bad/app.yaml": doc("App", "bad", "{components: {web: {}}}"),
        ...platform("live", "deployments: [{ref: branch/main}]"),
      },
      [
        'apps/bad/app.yaml:4:21: spec.components.web is missing required field "image"',
        hostNetworkRefused("live"),
      ],
    ],
    [
      "nothing of manifests for a platform that only releases (releases apply none)",
      { ...system, ...hostNetworkPod, ...prod, ...platform("live", releasesProd) },
      [],
    ],
    ["nothing of manifests without control files", { ...system, ...hostNetworkPod }, []],
  ])("reports %s", async (_, files, expected) => {
    const report = await validateTree(new MemoryTree(files));
    expect(report.problems.map(formatProblem)).toEqual(expected);
  });
});
