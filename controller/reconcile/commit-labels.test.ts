import type { KubernetesObject, V1Deployment } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { Component } from "../../schemas/component.js";
import { renderDeployment } from "../render/deployment.js";
import type { PlatformTarget } from "../render/input.js";
import { contains, keepCommitLabels } from "./commit-labels.js";

const older = "1".repeat(40);
const now = "2".repeat(40);
const platform: PlatformTarget = {
  name: "dev",
  namespace: "shop-dev",
  policy: {
    allowPrivileged: false,
    allowHostNetwork: false,
    allowHostPID: false,
    allowHostPath: false,
  },
};

function render(commit: string, web: Partial<Component> = {}): KubernetesObject[] {
  const component = {
    image: "ghcr.io/acme/web:1.0.0",
    replicas: 2,
    ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
    env: { GREETING: "hello" },
    routes: [],
    mounts: [],
    ...web,
  } as Component;
  return renderDeployment(
    { name: "shop", commit, apps: { store: { components: { web: component } } }, manifests: [] },
    platform,
    { ref: "branch/main" },
  ).objects;
}

const deploymentOf = (objects: KubernetesObject[]) =>
  objects.find((o) => o.kind === "Deployment") as V1Deployment;
const commitOf = (o: KubernetesObject) => o.metadata?.labels?.["kubefox.io/commit"];
const podCommitOf = (o: KubernetesObject) =>
  (o as V1Deployment).spec?.template.metadata?.labels?.["kubefox.io/commit"];

/** The live object as the API server keeps it: what we sent, plus defaults. */
function live(obj: KubernetesObject, edit: (o: V1Deployment) => void = () => {}): KubernetesObject {
  const copy = structuredClone(obj) as V1Deployment;
  copy.metadata!.uid = "u1";
  for (const c of copy.spec?.template.spec?.containers ?? []) {
    c.terminationMessagePath = "/dev/termination-log";
    c.imagePullPolicy = "IfNotPresent";
  }
  edit(copy);
  return copy;
}

describe("rendering", () => {
  it("hashes the same content at two commits equally", () => {
    const [a, b] = [render(older), render(now)];
    for (const [i, o] of a.entries()) {
      expect(o.metadata?.annotations?.["kubefox.io/desired-hash"]).toBe(
        b[i]!.metadata?.annotations?.["kubefox.io/desired-hash"],
      );
      expect(commitOf(o)).toBe(older);
      expect(commitOf(b[i]!)).toBe(now);
    }
    expect(deploymentOf(a).metadata?.annotations?.["kubefox.io/template-hash"]).toBe(
      deploymentOf(b).metadata?.annotations?.["kubefox.io/template-hash"],
    );
  });

  it("changes the template hash when what the pods run changes, not for replicas", () => {
    const base = deploymentOf(render(now)).metadata?.annotations?.["kubefox.io/template-hash"];
    const image = deploymentOf(render(now, { image: "ghcr.io/acme/web:2.0.0" }));
    const env = deploymentOf(render(now, { env: { GREETING: "hi" } }));
    const replicas = deploymentOf(render(now, { replicas: 5 }));
    expect(image.metadata?.annotations?.["kubefox.io/template-hash"]).not.toBe(base);
    expect(env.metadata?.annotations?.["kubefox.io/template-hash"]).not.toBe(base);
    expect(replicas.metadata?.annotations?.["kubefox.io/template-hash"]).toBe(base);
  });
});

describe("keepCommitLabels", () => {
  const cases: {
    name: string;
    desired: KubernetesObject;
    live: KubernetesObject | undefined;
    object: string;
    pods: string;
  }[] = [
    {
      name: "a new object takes the commit it was rendered at",
      desired: deploymentOf(render(now)),
      live: undefined,
      object: now,
      pods: now,
    },
    {
      name: "drift repair keeps both commits: the content is still the older commit's",
      desired: deploymentOf(render(now)),
      live: live(deploymentOf(render(older)), (d) => (d.spec!.replicas = 5)),
      object: older,
      pods: older,
    },
    {
      name: "a replicas change writes the Deployment and keeps the pods' commit",
      desired: deploymentOf(render(now, { replicas: 3 })),
      live: live(deploymentOf(render(older))),
      object: now,
      pods: older,
    },
    {
      name: "an image change moves both",
      desired: deploymentOf(render(now, { image: "ghcr.io/acme/web:2.0.0" })),
      live: live(deploymentOf(render(older))),
      object: now,
      pods: now,
    },
    {
      name: "an object written before template hashes keeps its pods' commit when the template is the same",
      desired: deploymentOf(render(now)),
      live: live(deploymentOf(render(older)), (d) => {
        delete d.metadata!.annotations!["kubefox.io/template-hash"];
        d.metadata!.annotations!["kubefox.io/desired-hash"] = "old-scheme";
      }),
      object: now,
      pods: older,
    },
    {
      name: "an object written before template hashes rolls when the template differs",
      desired: deploymentOf(render(now, { env: { GREETING: "hi" } })),
      live: live(deploymentOf(render(older)), (d) => {
        delete d.metadata!.annotations!["kubefox.io/template-hash"];
        d.metadata!.annotations!["kubefox.io/desired-hash"] = "old-scheme";
      }),
      object: now,
      pods: now,
    },
    {
      name: "a ConfigMap whose data changed takes the new commit",
      desired: render(now, { env: { GREETING: "hi" } })[0]!,
      live: live(render(older)[0]!),
      object: now,
      pods: "",
    },
  ];

  it.each(cases)("$name", ({ desired, live, object, pods }) => {
    const out = keepCommitLabels(desired, live);
    expect(commitOf(out)).toBe(object);
    expect(podCommitOf(out) ?? "").toBe(pods);
    // Nothing else changes.
    expect({ ...out, metadata: { ...out.metadata, labels: {} }, spec: undefined }).toEqual({
      ...desired,
      metadata: { ...desired.metadata, labels: {} },
      spec: undefined,
    });
  });
});

describe("contains", () => {
  it.each([
    [{ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] } }, true],
    [{ a: 1 }, { a: 2 }, false],
    [{ a: [{ x: 1, y: 2 }] }, { a: [{ x: 1 }] }, true],
    [{ a: [{ x: 1 }, { x: 2 }] }, { a: [{ x: 1 }] }, false],
    [{ a: "1" }, { a: 1 }, false],
    [undefined, { a: 1 }, false],
  ])("%j contains %j: %s", (have, want, expected) => {
    expect(contains(have, want)).toBe(expected);
  });
});
