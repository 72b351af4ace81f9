// A generated platform topology for tests and the bench: `components`
// components spread over apps of ten, each with one Deployment, its live
// ReplicaSet (two pods) and an older one scaled to zero, a Service, and an
// Ingress on every tenth. Every twentieth component is unhealthy in one way
// or another, so filters and icons have something to show.
import type { DeploymentNode, PodNode, Topology } from "../../../schemas/api/topology.js";

export function generateTopology(components: number, platform = "dev"): Topology {
  const apps: Topology["apps"] = [];
  for (let i = 0; i < components; i++) {
    const appName = `app-${String(Math.floor(i / 10)).padStart(3, "0")}`;
    let app = apps[apps.length - 1];
    if (!app || app.name !== appName) apps.push((app = { name: appName, components: [] }));
    const name = `comp-${String(i).padStart(4, "0")}`;
    const deployment = `${appName}-${name}`;
    app.components.push({
      name,
      deployments: [deploymentNode(deployment, i)],
      services: [{ name: deployment, type: "ClusterIP", ports: [{ name: "http", port: 80 }] }],
      ingresses:
        i % 10 === 0 ? [{ name: `${deployment}-ingress`, hosts: [`${name}.example.com`] }] : [],
    });
  }
  return {
    kind: "Topology",
    platform,
    namespace: `${platform}-ns`,
    system: "shop",
    apps,
    ingresses: [{ name: "prod-routing", environment: "prod", hosts: ["shop.example.com"] }],
  };
}

function deploymentNode(name: string, i: number): DeploymentNode {
  const failing = i % 20 === 7;
  const progressing = i % 20 === 13;
  const pods: PodNode[] = [0, 1].map((p) => ({
    name: `${name}-7d9f8-${p === 0 ? "abcde" : "fghij"}`,
    phase: progressing && p === 1 ? "Pending" : "Running",
    ready: !(failing && p === 1) && !(progressing && p === 1),
    restarts: failing && p === 1 ? 12 : 0,
    node: `kwok-node-${p}`,
  }));
  const ready = pods.filter((p) => p.ready).length;
  return {
    name,
    ref: "branch/main",
    commit: "0123456789abcdef0123456789abcdef01234567",
    state: failing ? "Degraded" : progressing ? "Progressing" : "Ready",
    replicas: `${ready}/2`,
    replicaSets: [
      { name: `${name}-7d9f8`, revision: "2", replicas: 2, readyReplicas: ready, pods },
      { name: `${name}-5c6b4`, revision: "1", replicas: 0, readyReplicas: 0, pods: [] },
    ],
  };
}
