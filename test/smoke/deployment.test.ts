// Proves the fake nodes are real enough for the controller's health checks: the
// scheduler binds pods to KWOK nodes, KWOK makes them Running and Ready, and the
// controller-manager marks the Deployment Available and fills its Service's
// endpoints.
import type { V1Deployment } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clients, createNamespace, eventually } from "../support/kube.js";

describe("a Deployment on KWOK nodes", () => {
  let ns: Awaited<ReturnType<typeof createNamespace>>;
  beforeAll(async () => {
    ns = await createNamespace("smoke-deploy");
  });
  afterAll(() => ns.remove());

  it("becomes Available, with its pods Ready behind a Service", async () => {
    const { apps, core, kc } = clients();
    const labels = { app: "web" };
    const deployment: V1Deployment = {
      metadata: { name: "web", namespace: ns.name },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [{ name: "web", image: "nginx:1.27", ports: [{ containerPort: 80 }] }],
          },
        },
      },
    };
    await apps.createNamespacedDeployment({ namespace: ns.name, body: deployment });
    await core.createNamespacedService({
      namespace: ns.name,
      body: { metadata: { name: "web" }, spec: { selector: labels, ports: [{ port: 80 }] } },
    });

    const available = await eventually(
      async () => {
        const d = await apps.readNamespacedDeployment({ name: "web", namespace: ns.name });
        const cond = d.status?.conditions?.find((c) => c.type === "Available");
        return cond?.status === "True" && d.status?.readyReplicas === 2 ? d : undefined;
      },
      { what: "Deployment web Available with 2 ready replicas" },
    );
    expect(available.status?.availableReplicas).toBe(2);

    const pods = await core.listNamespacedPod({ namespace: ns.name });
    expect(pods.items.map((p) => p.status?.phase)).toEqual(["Running", "Running"]);
    expect(pods.items.every((p) => p.spec?.nodeName?.startsWith("kwok-node-"))).toBe(true);

    const { DiscoveryV1Api } = await import("@kubernetes/client-node");
    const discovery = kc.makeApiClient(DiscoveryV1Api);
    const addresses = await eventually(
      async () => {
        const slices = await discovery.listNamespacedEndpointSlice({ namespace: ns.name });
        const ready = slices.items.flatMap((s) => s.endpoints.filter((e) => e.conditions?.ready));
        return ready.length === 2 ? ready.flatMap((e) => e.addresses) : undefined;
      },
      { what: "two ready endpoints behind Service web" },
    );
    expect(addresses.sort()).toEqual(pods.items.map((p) => p.status?.podIP).sort());
  });
});
