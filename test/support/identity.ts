// A controller identity of its own for the tests that run several replicas and
// tell their writes apart in the API server's audit log (test/leader, test/shard).
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { KubeConfig, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { clients, kubeConfig } from "./kube.js";

export interface Identity {
  kubeconfig: string;
  /** As the audit log names it. */
  user: string;
  /** The ClusterRoleBinding made for it: the caller deletes it. */
  binding: string;
}

/** A ServiceAccount of its own (cluster-admin: these suites are about who writes, not what), in a kubeconfig under `dir`. */
export async function serviceAccountIdentity(
  namespace: string,
  name: string,
  dir: string,
): Promise<Identity> {
  const { core } = clients();
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  const binding = `${namespace}-${name}`;
  await kubeConfig()
    .makeApiClient(RbacAuthorizationV1Api)
    .createClusterRoleBinding({
      body: {
        metadata: { name: binding },
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "ClusterRole",
          name: "cluster-admin",
        },
        subjects: [{ kind: "ServiceAccount", name, namespace }],
      },
    });
  const token = await core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const admin = kubeConfig();
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [admin.getCurrentCluster()!],
    users: [{ name, token: token.status!.token }],
    contexts: [{ name, cluster: admin.getCurrentCluster()!.name, user: name }],
    currentContext: name,
  });
  const file = path.join(dir, `${name}.kubeconfig`);
  await writeFile(file, kc.exportConfig(), { mode: 0o600 });
  return { kubeconfig: file, user: `system:serviceaccount:${namespace}:${name}`, binding };
}
