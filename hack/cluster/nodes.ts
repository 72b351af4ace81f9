// KWOK's fake nodes: Node objects that KWOK manages (by annotation), large enough
// that tests and benchmarks never run out of pod slots, small enough in CPU that
// a pod asking for more than a node has stays Pending.
import { CoreV1Api, KubeConfig, type V1Node } from "@kubernetes/client-node";

export const nodeCpu = "32";
export const nodeMemory = "256Gi";

function fakeNode(name: string): V1Node {
  const resources = { cpu: nodeCpu, memory: nodeMemory, pods: "1000" };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: {
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/role": "agent",
        "node-role.kubernetes.io/agent": "",
        type: "kwok",
      },
    },
    spec: {},
    status: { allocatable: resources, capacity: resources },
  };
}

function client(kubeconfig: string): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return kc.makeApiClient(CoreV1Api);
}

export async function createKwokNodes(kubeconfig: string, count: number): Promise<void> {
  const api = client(kubeconfig);
  for (let i = 0; i < count; i++) await api.createNode({ body: fakeNode(`kwok-node-${i}`) });
}

export async function waitForNodesReady(
  kubeconfig: string,
  count: number,
  timeoutMs: number,
): Promise<void> {
  const api = client(kubeconfig);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const list = await api.listNode();
    const ready = list.items.filter((n) =>
      n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    );
    if (ready.length >= count) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `hack: ${count} KWOK nodes not Ready after ${timeoutMs / 1000}s (see logs/kwok.log)`,
  );
}
