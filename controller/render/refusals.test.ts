import { describe, expect, it } from "vitest";
import { formatProblem } from "../errors.js";
import { loadSystem } from "../model/load-system.js";
import { MemoryTree } from "../model/memory-tree.js";
import type { PlatformTarget } from "./input.js";
import { manifestRefusals } from "./refusals.js";

const system = {
  "kubefox.yaml":
    "apiVersion: kubefox.io/v1alpha1\nkind: System\nmetadata: {name: shop}\nspec: {}\n",
};

function platform(allow: Partial<PlatformTarget["policy"]> = {}): PlatformTarget {
  return {
    name: "dev",
    namespace: "shop-dev",
    policy: {
      allowPrivileged: false,
      allowHostNetwork: false,
      allowHostPID: false,
      allowHostPath: false,
      ...allow,
    },
  };
}

const pod = [
  "apiVersion: v1", //                          1
  "kind: Pod", //                               2
  "metadata: {name: agent}", //                 3
  "spec:", //                                   4
  "  hostNetwork: true", //                     5
  "  hostPID: true", //                         6
  "  containers:", //                           7
  "    - name: a", //                           8
  "      image: a", //                          9
  "      securityContext: {privileged: true}", // 10
  "  volumes:", //                              11
  "    - name: root", //                        12
  "      hostPath: {path: /}", //               13
  "",
].join("\n");

const daemonSet = [
  "# an agent on every node", //                1
  "apiVersion: apps/v1", //                     2
  "kind: DaemonSet", //                         3
  "metadata: {name: agent}", //                 4
  "spec:", //                                   5
  "  selector: {matchLabels: {app: agent}}", // 6
  "  template:", //                             7
  "    metadata: {labels: {app: agent}}", //    8
  "    spec:", //                               9
  "      initContainers:", //                   10
  "        - {name: init, image: i, securityContext: {privileged: true}}", // 11
  "      containers: [{name: a, image: a}]", // 12
  "      hostNetwork: true", //                 13
  "",
].join("\n");

const cronJob = [
  "apiVersion: batch/v1",
  "kind: CronJob",
  "metadata: {name: sweep}",
  "spec:",
  "  schedule: '@daily'",
  "  jobTemplate:",
  "    spec:",
  "      template:",
  "        spec:",
  "          restartPolicy: Never",
  "          containers: [{name: a, image: a}]",
  "          volumes: [{name: logs, hostPath: {path: /var/log}}]",
  "",
].join("\n");

const refused = (what: string) => `${what}, which platform dev does not allow`;

describe("manifestRefusals", () => {
  it.each<[string, Record<string, string>, PlatformTarget, string[]]>([
    [
      "every field of a Pod the default policy refuses, at its key",
      { "manifests/pod.yaml": pod },
      platform(),
      [
        `manifests/pod.yaml:5:3: ${refused("Pod agent asks for hostNetwork")}`,
        `manifests/pod.yaml:6:3: ${refused("Pod agent asks for hostPID")}`,
        `manifests/pod.yaml:13:7: ${refused("Pod agent mounts hostPath / (volume root)")}`,
        `manifests/pod.yaml:10:25: ${refused("Pod agent runs container a privileged")}`,
      ],
    ],
    [
      "nothing the platform allows",
      { "manifests/pod.yaml": pod },
      platform({
        allowHostNetwork: true,
        allowHostPID: true,
        allowHostPath: true,
        allowPrivileged: true,
      }),
      [],
    ],
    [
      "a pod template, in the second document of a file",
      {
        "manifests/agents.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n${daemonSet}`,
      },
      platform({ allowPrivileged: true }),
      [`manifests/agents.yaml:17:7: ${refused("DaemonSet agent asks for hostNetwork")}`],
    ],
    [
      "an init container in a flow map",
      { "manifests/agent.yaml": daemonSet },
      platform({ allowHostNetwork: true }),
      [`manifests/agent.yaml:11:52: ${refused("DaemonSet agent runs container init privileged")}`],
    ],
    [
      "a CronJob's job template",
      { "manifests/sweep.yaml": cronJob },
      platform(),
      [
        `manifests/sweep.yaml:12:34: ${refused("CronJob sweep mounts hostPath /var/log (volume logs)")}`,
      ],
    ],
    [
      "an object in another namespace, at its namespace",
      {
        "manifests/cm.yaml":
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: kube-system\n",
      },
      platform(),
      [
        "manifests/cm.yaml:5:14: ConfigMap x is in namespace kube-system; everything of platform dev lives in shop-dev",
      ],
    ],
    [
      "nothing of an object in the platform's own namespace",
      {
        "manifests/cm.yaml":
          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: shop-dev}\n",
      },
      platform(),
      [],
    ],
  ])("refuses %s", async (_, files, target, expected) => {
    const loaded = await loadSystem(new MemoryTree({ ...system, ...files }));
    if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join("\n"));
    expect(manifestRefusals(loaded.model, target).map(formatProblem)).toEqual(expected);
  });
});
