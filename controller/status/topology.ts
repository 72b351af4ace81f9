// The graph behind a platform (issue 6): system → apps → components → the
// Kubernetes objects that run each (Deployments, their ReplicaSets and Pods,
// Services, Ingresses), built from watch-cache objects by their labels and
// owner references. Pure: the view hands in what the caches hold.
import type {
  KubernetesObject,
  V1Deployment,
  V1Ingress,
  V1Pod,
  V1ReplicaSet,
  V1Service,
} from "@kubernetes/client-node";
import type {
  ComponentHealth,
  DeploymentNode,
  IngressNode,
  PodNode,
  ReplicaSetNode,
  ServiceNode,
  Topology,
} from "../../webhooks/api/types.js";

export const topologyLabels = {
  app: "kubefox.io/app",
  component: "kubefox.io/component",
  commit: "kubefox.io/commit",
  environment: "kubefox.io/environment",
  ref: "kubefox.io/ref",
} as const;

export interface TopologyInput {
  platform: string;
  namespace: string;
  system: string;
  deployments: V1Deployment[];
  replicaSets: V1ReplicaSet[];
  pods: V1Pod[];
  services: V1Service[];
  ingresses: V1Ingress[];
  /** Component health from the platform's status, by Deployment name. */
  health: ComponentHealth[];
}

interface ComponentBucket {
  deployments: DeploymentNode[];
  services: ServiceNode[];
  ingresses: IngressNode[];
}

export function buildTopology(input: TopologyInput): Topology {
  const apps = new Map<string, Map<string, ComponentBucket>>();
  const bucket = (obj: KubernetesObject): ComponentBucket | undefined => {
    const app = label(obj, topologyLabels.app);
    const component = label(obj, topologyLabels.component);
    if (!app || !component) return undefined;
    let components = apps.get(app);
    if (!components) apps.set(app, (components = new Map()));
    let found = components.get(component);
    if (!found)
      components.set(component, (found = { deployments: [], services: [], ingresses: [] }));
    return found;
  };

  const podsByOwner = groupByOwner(input.pods);
  const replicaSetsByOwner = groupByOwner(input.replicaSets);
  const health = new Map(input.health.map((h) => [h.deployment, h]));

  for (const d of byName(input.deployments)) {
    const name = d.metadata?.name ?? "";
    const replicaSets = byName(replicaSetsByOwner.get(d.metadata?.uid ?? "") ?? [])
      .map((rs) => replicaSetNode(rs, podsByOwner.get(rs.metadata?.uid ?? "") ?? []))
      // The live ReplicaSet first, then older ones by revision.
      .sort((a, b) => Number(b.revision ?? 0) - Number(a.revision ?? 0));
    const h = health.get(name);
    const ref = d.metadata?.annotations?.[topologyLabels.ref];
    // The commit its pods run: the pod template's, not when the Deployment last changed.
    const commit =
      d.spec?.template?.metadata?.labels?.[topologyLabels.commit] ??
      label(d, topologyLabels.commit);
    const environment = label(d, topologyLabels.environment);
    const node: DeploymentNode = {
      name,
      ...(ref ? { ref } : {}),
      ...(commit ? { commit } : {}),
      ...(environment ? { environment } : {}),
      ...(h ? { state: h.state } : {}),
      replicas: h?.replicas ?? `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`,
      replicaSets,
    };
    bucket(d)?.deployments.push(node);
  }
  for (const s of byName(input.services)) bucket(s)?.services.push(serviceNode(s));
  const loose: IngressNode[] = [];
  for (const i of byName(input.ingresses)) {
    const target = bucket(i);
    if (target) target.ingresses.push(ingressNode(i));
    else loose.push(ingressNode(i));
  }

  return {
    kind: "Topology",
    platform: input.platform,
    namespace: input.namespace,
    system: input.system,
    apps: [...apps.keys()].sort().map((app) => ({
      name: app,
      components: [...apps.get(app)!.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, c]) => ({ name, ...c })),
    })),
    ingresses: loose,
  };
}

function replicaSetNode(rs: V1ReplicaSet, pods: V1Pod[]): ReplicaSetNode {
  const revision = rs.metadata?.annotations?.["deployment.kubernetes.io/revision"];
  return {
    name: rs.metadata?.name ?? "",
    ...(revision ? { revision } : {}),
    replicas: rs.status?.replicas ?? 0,
    readyReplicas: rs.status?.readyReplicas ?? 0,
    pods: byName(pods).map(podNode),
  };
}

export function podNode(pod: V1Pod): PodNode {
  return {
    name: pod.metadata?.name ?? "",
    phase: pod.status?.phase ?? "Unknown",
    ready: podReady(pod),
    restarts: podRestarts(pod),
    ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
  };
}

export function podReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

export function podRestarts(pod: V1Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}

function serviceNode(s: V1Service): ServiceNode {
  return {
    name: s.metadata?.name ?? "",
    type: s.spec?.type ?? "ClusterIP",
    ports: (s.spec?.ports ?? []).map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      port: p.port,
      ...(p.nodePort ? { nodePort: p.nodePort } : {}),
    })),
  };
}

function ingressNode(i: V1Ingress): IngressNode {
  const environment = label(i, topologyLabels.environment);
  return {
    name: i.metadata?.name ?? "",
    ...(environment ? { environment } : {}),
    hosts: [...new Set((i.spec?.rules ?? []).map((r) => r.host).filter((h): h is string => !!h))],
  };
}

function label(obj: KubernetesObject, key: string): string | undefined {
  return obj.metadata?.labels?.[key];
}

function byName<T extends KubernetesObject>(objects: T[]): T[] {
  return [...objects].sort((a, b) =>
    (a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : 1,
  );
}

function groupByOwner<T extends KubernetesObject>(objects: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const obj of objects) {
    const owner = obj.metadata?.ownerReferences?.find((o) => o.controller)?.uid;
    if (!owner) continue;
    const list = groups.get(owner) ?? [];
    list.push(obj);
    groups.set(owner, list);
  }
  return groups;
}
