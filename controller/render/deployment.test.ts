import type { V1ConfigMap, V1Deployment, V1Service } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { Component } from "../../schemas/component.js";
import { renderDeployment } from "./deployment.js";
import type { EnvironmentContext, PlatformTarget, SystemAtCommit } from "./input.js";

const commit = "0123456789abcdef0123456789abcdef01234567";
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

function component(extra: Partial<Component> = {}): Component {
  return {
    image: "ghcr.io/acme/web:1.4.0",
    replicas: 2,
    ports: [],
    env: {},
    routes: [],
    mounts: [],
    ...extra,
  } as Component;
}

function system(
  components: Record<string, Component>,
  manifests: SystemAtCommit["manifests"] = [],
): SystemAtCommit {
  return { name: "shop", commit, apps: { store: { components } }, manifests };
}

const prod: EnvironmentContext = {
  name: "prod",
  vars: { region: "eu-west-1", replicasHint: 3 },
  secrets: { dbPassword: { name: "shop-db", key: "password" } },
  componentVars: { web: { LOG_LEVEL: "info" } },
};

function find<T>(objects: unknown[], kind: string): T {
  return objects.find((o) => (o as { kind: string }).kind === kind) as T;
}

describe("renderDeployment", () => {
  it("renders a ConfigMap, a Deployment and a Service per component, labelled and annotated", () => {
    const { objects, warnings, refusals } = renderDeployment(
      system({
        web: component({
          ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
          env: { GREETING: "hello" },
        }),
      }),
      platform,
      { ref: "branch/main" },
    );
    expect(warnings).toEqual([]);
    expect(refusals).toEqual([]);
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      "ConfigMap/shop-branch-main-store-web",
      "Deployment/shop-branch-main-store-web",
      "Service/shop-branch-main-store-web",
    ]);
    for (const o of objects) {
      expect(o.metadata?.namespace).toBe("shop-dev");
      expect(o.metadata?.labels).toMatchObject({
        "app.kubernetes.io/managed-by": "kubefox-gitops",
        "kubefox.io/platform": "dev",
        "kubefox.io/system": "shop",
        "kubefox.io/app": "store",
        "kubefox.io/component": "web",
        "kubefox.io/commit": commit,
      });
      expect(o.metadata?.annotations?.["kubefox.io/ref"]).toBe("branch/main");
      expect(o.metadata?.annotations?.["kubefox.io/desired-hash"]).toMatch(/^[0-9a-f]{32}$/);
    }
    const d = find<V1Deployment>(objects, "Deployment");
    expect(d.spec?.selector.matchLabels).not.toHaveProperty("kubefox.io/commit");
    expect(d.spec?.template.spec?.containers[0]).toMatchObject({
      name: "web",
      image: "ghcr.io/acme/web:1.4.0",
      envFrom: [{ configMapRef: { name: "shop-branch-main-store-web" } }],
      ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
    });
    expect(find<V1ConfigMap>(objects, "ConfigMap").data).toEqual({ GREETING: "hello" });
    expect(find<V1Service>(objects, "Service").spec).toMatchObject({
      type: "ClusterIP",
      ports: [{ port: 8080, targetPort: "http" }],
    });
  });

  it("leaves out env entries that need an environment, with a warning each", () => {
    const { objects, warnings } = renderDeployment(
      system({
        web: component({
          env: { PLAIN: "x", REGION: "in {{.Env.region}}", DB: "{{.Secrets.dbPassword}}" },
        }),
      }),
      platform,
      { ref: "branch/main" },
    );
    expect(find<V1ConfigMap>(objects, "ConfigMap").data).toEqual({ PLAIN: "x" });
    expect(warnings).toHaveLength(2);
    expect(warnings.join("\n")).toMatch(/env REGION left out.*\{\{\.Env\.region\}\}/);
    expect(warnings.join("\n")).toMatch(/env DB left out.*secret dbPassword/);
  });

  it("fills templates from an environment and turns secrets into secretKeyRefs, never values", () => {
    const { objects, warnings } = renderDeployment(
      system({
        web: component({
          env: { REGION: "in {{.Vars.region}}", DB: "{{.Secrets.dbPassword}}", LOG_LEVEL: "debug" },
        }),
      }),
      platform,
      { ref: "tag/v1.4.0", environment: prod },
    );
    expect(warnings).toEqual([]);
    expect(find<V1ConfigMap>(objects, "ConfigMap").data).toEqual({
      REGION: "in eu-west-1",
      LOG_LEVEL: "info",
    });
    expect(
      find<V1Deployment>(objects, "Deployment").spec?.template.spec?.containers[0]?.env,
    ).toEqual([{ name: "DB", valueFrom: { secretKeyRef: { name: "shop-db", key: "password" } } }]);
  });

  it("asks for a NodePort Service when a port names a nodePort", () => {
    const { objects } = renderDeployment(
      system({
        web: component({
          ports: [{ name: "http", containerPort: 8080, nodePort: 30080, protocol: "TCP" }],
        }),
      }),
      platform,
      { ref: "branch/main" },
    );
    expect(find<V1Service>(objects, "Service").spec).toMatchObject({
      type: "NodePort",
      ports: [{ nodePort: 30080 }],
    });
  });

  it("labels raw manifests and refuses what the platform's policy does not allow", () => {
    const privileged = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "agent" },
      spec: {
        template: {
          spec: {
            hostNetwork: true,
            containers: [{ name: "a", image: "a", securityContext: { privileged: true } }],
          },
        },
      },
    };
    const settings = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "shop-settings" },
      data: { a: "b" },
    };
    const { objects, refusals } = renderDeployment(
      system({}, [
        { file: "manifests/agent.yaml", object: privileged },
        { file: "manifests/settings.yaml", object: settings },
      ]),
      platform,
      { ref: "branch/main" },
    );
    expect(refusals).toEqual([
      "manifests/agent.yaml: DaemonSet agent asks for hostNetwork, which platform dev does not allow",
      "manifests/agent.yaml: DaemonSet agent runs container a privileged, which platform dev does not allow",
    ]);
    const cm = objects.find((o) => o.metadata?.name === "shop-settings");
    expect(cm?.metadata?.namespace).toBe("shop-dev");
    expect(cm?.metadata?.labels?.["app.kubernetes.io/managed-by"]).toBe("kubefox-gitops");
  });

  it("refuses manifests aimed at another namespace", () => {
    const { refusals } = renderDeployment(
      system({}, [
        {
          file: "manifests/x.yaml",
          object: {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "x", namespace: "kube-system" },
          },
        },
      ]),
      platform,
      { ref: "branch/main" },
    );
    expect(refusals[0]).toMatch(/^manifests\/x\.yaml: ConfigMap x is in namespace kube-system/);
  });

  it("is deterministic and keeps deployments of different refs apart", () => {
    const sys = system({ web: component() });
    const a = renderDeployment(sys, platform, { ref: "branch/main" });
    expect(renderDeployment(sys, platform, { ref: "branch/main" })).toEqual(a);
    const b = renderDeployment(sys, platform, { ref: "tag/v1.4.0" });
    expect(b.objects[0]?.metadata?.name).not.toBe(a.objects[0]?.metadata?.name);
    expect(b.objects[0]?.metadata?.labels?.["kubefox.io/owner"]).not.toBe(
      a.objects[0]?.metadata?.labels?.["kubefox.io/owner"],
    );
  });
});
