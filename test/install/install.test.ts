// `kubectl apply -k .` (issue 7): the install is rendered, dry-run on the server
// and applied to the test control plane, where its pods run on KWOK nodes (no
// container really starts there). Then the controller runs as the installed
// ServiceAccount: a token from the TokenRequest API (`kubectl create token`), a
// kubeconfig with it, and the real `kubefox-gitops run` syncing a repository on
// the test Git server. Everything it must do succeeds; what it must not do is
// refused by the API server.
import { randomBytes } from "node:crypto";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type {
  KubernetesObject,
  V1ClusterRole,
  V1Deployment,
  V1Pod,
  V1Role,
} from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import { request, serverUrl } from "../support/api.js";
import {
  deploymentStatus,
  startController,
  storedStatus,
  type RunningController,
} from "../support/controller.js";
import { createRepoWithClone } from "../support/git.js";
import { auditedWrites, clients, eventually } from "../support/kube.js";
import { canI, kubectl, requireKubectl } from "./kubectl.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const system = "kubefox-system";
const serviceAccount = `system:serviceaccount:${system}:kubefox-gitops`;
const namespace = `inst-${randomBytes(3).toString("hex")}`;
const platform = "installed";

function objectsOf(yaml: string): KubernetesObject[] {
  return parseAllDocuments(yaml).map((d) => d.toJS() as KubernetesObject);
}

const names = (objects: KubernetesObject[]) =>
  objects
    .map(
      (o) =>
        `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata?.name}`,
    )
    .sort();

// --- the repository the installed controller syncs -----------------------------

function appFile(withWorker: boolean): string {
  return `apiVersion: kubefox.io/v1alpha1
kind: App
metadata: {name: store}
spec:
  components:
    web:
      image: ghcr.io/acme/shop-web:1.0.0
      replicas: 1
      ports: [{name: http, containerPort: 8080}]
      env:
        REGION: "{{.Env.region}}"
      routes:
        - rule: Host(\`{{.Env.domain}}\`) && PathPrefix(\`/shop\`)
${
  withWorker
    ? `    worker:
      image: ghcr.io/acme/shop-worker:1.0.0
      replicas: 1
`
    : ""
}`;
}

const control = {
  "kubefox.yaml":
    "apiVersion: kubefox.io/v1alpha1\nkind: System\nmetadata: {name: shop}\nspec: {title: Shop}\n",
  "environments/prod.yaml": `apiVersion: kubefox.io/v1alpha1
kind: Environment
metadata: {name: prod}
spec:
  hostNames: [shop.example.com]
  vars: {region: eu-west-1, domain: shop.example.com}
`,
  [`platforms/${platform}.yaml`]: `apiVersion: kubefox.io/v1alpha1
kind: Platform
metadata: {name: ${platform}}
spec:
  namespace: ${namespace}
  deployments:
    - ref: branch/main
  releases:
    - {environment: prod, ref: branch/main}
`,
};

describe("kubectl apply -k .", () => {
  let rendered: KubernetesObject[];

  beforeAll(async () => {
    await requireKubectl();
    rendered = objectsOf((await kubectl(["kustomize", "."], { cwd: root })).stdout);
  });

  it("renders the controller's namespace, identity, rights, workload and service", () => {
    const settings = rendered.find((o) => o.kind === "ConfigMap")!.metadata!.name!;
    expect(settings).toMatch(/^kubefox-gitops-settings-[a-z0-9]{10}$/);
    expect(names(rendered)).toEqual(
      [
        "ClusterRole kubefox-gitops",
        "ClusterRoleBinding kubefox-gitops",
        `ConfigMap ${system}/${settings}`,
        `Deployment ${system}/kubefox-gitops`,
        `Namespace ${system}`,
        `PodDisruptionBudget ${system}/kubefox-gitops`,
        `Role ${system}/kubefox-gitops-leader-election`,
        `RoleBinding ${system}/kubefox-gitops-leader-election`,
        `Service ${system}/kubefox-gitops`,
        `ServiceAccount ${system}/kubefox-gitops`,
      ].sort(),
    );
  });

  it("grants no wildcard and nothing beyond the verbs the controller uses", () => {
    const role = rendered.find((o) => o.kind === "ClusterRole") as V1ClusterRole;
    const lease = rendered.find((o) => o.kind === "Role") as V1Role;
    const flat = (rules: V1Role["rules"]) =>
      (rules ?? []).flatMap((r) =>
        r.resources!.flatMap((res) =>
          r.verbs.map(
            (v) =>
              `${r.apiGroups![0] || "core"} ${res}${r.resourceNames ? `/${r.resourceNames.join(",")}` : ""} ${v}`,
          ),
        ),
      );
    for (const rule of [...(role.rules ?? []), ...(lease.rules ?? [])]) {
      for (const field of [rule.apiGroups, rule.resources, rule.verbs])
        expect(field?.some((v) => v.includes("*"))).toBe(false);
      expect(rule.nonResourceURLs).toBeUndefined();
    }
    const crud = ["get", "list", "watch", "create", "patch", "delete"];
    expect(flat(role.rules).sort()).toEqual(
      [
        ...["get", "list", "watch", "create", "patch"].map((v) => `core namespaces ${v}`),
        ...crud.map((v) => `core configmaps ${v}`),
        ...crud.map((v) => `core services ${v}`),
        ...crud.map((v) => `apps deployments ${v}`),
        ...crud.map((v) => `networking.k8s.io ingresses ${v}`),
        "core secrets create",
        "core events create",
        "core pods list",
        "core pods watch",
        "apps replicasets list",
        "apps replicasets watch",
        "core serviceaccounts list",
        "core persistentvolumeclaims list",
        "apps statefulsets list",
        "apps daemonsets list",
        "batch jobs list",
        "batch cronjobs list",
      ].sort(),
    );
    // Shard and member Leases have names not known in advance: every Lease of its namespace.
    expect(flat(lease.rules).sort()).toEqual(
      ["create", "delete", "get", "list", "patch", "update", "watch"].map(
        (v) => `coordination.k8s.io leases ${v}`,
      ),
    );
    expect(lease.metadata?.namespace).toBe(system);
  });

  it("runs two replicas, non-root on a read-only root filesystem, with probes, limits and settings", () => {
    const d = rendered.find((o) => o.kind === "Deployment") as V1Deployment;
    const pod = d.spec!.template.spec!;
    const c = pod.containers[0]!;
    expect(d.spec!.replicas).toBe(2);
    expect(c.args).toEqual(
      expect.arrayContaining(["run", "--listen=0.0.0.0:8080", "--leader-elect"]),
    );
    expect(pod.serviceAccountName).toBe("kubefox-gitops");
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(c.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(c.livenessProbe?.httpGet?.path).toBe("/healthz");
    expect(c.readinessProbe?.httpGet?.path).toBe("/readyz");
    expect(c.resources?.requests).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(c.resources?.limits).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    // The state dir and /tmp are the only writable paths; the SSH Secret is read-only.
    expect(c.volumeMounts?.map((m) => m.mountPath).sort()).toEqual([
      "/etc/kubefox-gitops/ssh",
      "/tmp",
      "/var/lib/kubefox-gitops",
    ]);
    expect(
      c.volumeMounts
        ?.filter((m) => !m.readOnly)
        .map((m) => m.name)
        .sort(),
    ).toEqual(["state", "tmp"]);
    expect(pod.volumes?.filter((v) => !v.emptyDir)).toEqual([
      {
        name: "ssh",
        secret: { secretName: "kubefox-gitops-ssh", optional: true, defaultMode: 0o440 },
      },
    ]);
    const settings = rendered.find((o) => o.kind === "ConfigMap")!.metadata!.name;
    expect(c.envFrom).toEqual([
      { configMapRef: { name: settings } },
      { secretRef: { name: "kubefox-gitops-credentials", optional: true } },
    ]);
    expect(
      c.env?.find((e) => e.name === "KUBEFOX_GITOPS_LEADER_ELECTION_NAMESPACE")?.valueFrom,
    ).toEqual({ fieldRef: { fieldPath: "metadata.namespace" } });
    // SSH repositories (issue 16): the key and known_hosts are files of the mounted Secret.
    const env = Object.fromEntries(c.env?.map((e) => [e.name, e.value]) ?? []);
    expect(env.KUBEFOX_GITOPS_SSH_KEY_FILE).toBe("/etc/kubefox-gitops/ssh/identity");
    expect(env.KUBEFOX_GITOPS_SSH_KNOWN_HOSTS).toBe("/etc/kubefox-gitops/ssh/known_hosts");
  });

  it("passes a server-side dry run, which creates nothing", async () => {
    // A dry run cannot create the namespace its other objects go in: on a fresh
    // cluster, those are the only refusals.
    const fresh = await kubectl(["apply", "-k", ".", "--server-side", "--dry-run=server"], {
      cwd: root,
      reject: false,
    });
    const refusals = fresh.stderr.split("\n").filter(Boolean);
    expect(refusals.length).toBeGreaterThan(0);
    for (const line of refusals)
      expect(line).toBe(`Error from server (NotFound): namespaces "${system}" not found`);
    expect((await kubectl(["get", "namespace", system], { reject: false })).exitCode).toBe(1);

    // With the namespace there, everything passes the server's validation and admission.
    await kubectl(["apply", "--server-side", "-f", "deploy/namespace.yaml"], { cwd: root });
    const dry = await kubectl(["apply", "-k", ".", "--server-side", "--dry-run=server"], {
      cwd: root,
    });
    expect(dry.stdout.split("\n").filter(Boolean)).toHaveLength(rendered.length);
    for (const line of dry.stdout.split("\n").filter(Boolean))
      expect(line).toMatch(/ serverside-applied \(server dry run\)$/);
    for (const kind of ["clusterrole", "deployment", "serviceaccount"]) {
      const got = await kubectl(["get", kind, "kubefox-gitops", "-n", system], { reject: false });
      expect(got.stderr).toMatch(/NotFound/);
    }
  });

  it("applies for real: two controller pods run (on KWOK nodes, which start no container)", async () => {
    await kubectl(["apply", "-k", ".", "--server-side"], { cwd: root });
    const { core, apps } = clients();
    const pods = await eventually(
      async () => {
        const list = await core.listNamespacedPod({
          namespace: system,
          labelSelector: "app.kubernetes.io/name=kubefox-gitops",
        });
        const running = list.items.filter((p: V1Pod) => p.status?.phase === "Running");
        return running.length === 2 ? running : undefined;
      },
      { what: "two kubefox-gitops pods Running" },
    );
    expect(pods.map((p) => p.spec?.serviceAccountName)).toEqual([
      "kubefox-gitops",
      "kubefox-gitops",
    ]);
    const d = await eventually(async () => {
      const live = await apps.readNamespacedDeployment({
        name: "kubefox-gitops",
        namespace: system,
      });
      return live.status?.availableReplicas === 2 ? live : undefined;
    });
    expect(d.spec?.template.spec?.containers[0]?.image).toBe(
      "ghcr.io/kubefox/kubefox-gitops:0.1.0",
    );
  });
});

describe("the installed ServiceAccount", () => {
  let kubeconfig: string;
  let work: WorkingCopy;
  let controller: RunningController;
  let dir: string;
  const started = new Date();

  beforeAll(async () => {
    await requireKubectl();
    // The install, in case this block runs alone.
    await kubectl(["apply", "-k", ".", "--server-side"], { cwd: root });
    // What a person does to act as the controller: a token for its ServiceAccount, in a kubeconfig.
    const token = (
      await kubectl(["create", "token", "kubefox-gitops", "-n", system, "--duration=1h"])
    ).stdout.trim();
    dir = await mkdtemp(path.join(tmpdir(), "kubefox-install-"));
    kubeconfig = path.join(dir, "kubeconfig");
    await copyFile(inject("kubeconfig"), kubeconfig);
    await kubectl(["config", "set-credentials", "kubefox-gitops", `--token=${token}`], {
      kubeconfig,
    });
    await kubectl(["config", "set-context", "--current", "--user=kubefox-gitops"], { kubeconfig });

    const created = await createRepoWithClone("install");
    work = created.work;
    await work.commitAndPush({ ...control, "apps/store/app.yaml": appFile(true) }, "shop");
    controller = await startController(created.repo.url, {
      // Later flags win: this kubeconfig replaces the test harness's admin identity.
      // Sharded as the install runs (settings.env), so its Role is checked for the shard Leases.
      args: [
        "--kubeconfig",
        kubeconfig,
        "--leader-elect",
        "--leader-election-namespace",
        system,
        "--shards",
        "4",
      ],
    });
  });

  afterAll(async () => {
    await controller?.stop();
    await clients()
      .core.deleteNamespace({ name: namespace })
      .catch(() => undefined);
    await work?.remove();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("is who the kubeconfig says", async () => {
    const whoami = await kubectl(["auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"], {
      kubeconfig,
    });
    expect(whoami.stdout).toBe(serviceAccount);
  });

  it("syncs for real: namespace, deployment, release with its routing Secret and Ingress, status and Events", async () => {
    const d = await deploymentStatus(
      namespace,
      "branch/main",
      (x) => x.state === "Ready",
      "branch/main Ready under the ServiceAccount",
      60_000,
    );
    expect(d.components.map((c) => c.component).sort()).toEqual(["web", "worker"]);
    const release = await eventually(
      async () => {
        const r = (await storedStatus(namespace))?.releases?.prod;
        return r?.active ? r : undefined;
      },
      { what: "release prod active", timeoutMs: 60_000 },
    );
    expect(release.active?.ref).toBe("branch/main");
    const { core } = clients();
    const secret = await core.readNamespacedSecret({ name: "prod-routing", namespace });
    expect(Object.keys(secret.data ?? {}).sort()).toEqual(["private-api-key", "public-api-key"]);
    const ingresses = (await kubectl(["get", "ingress", "-n", namespace, "-o", "name"])).stdout;
    expect(ingresses).toMatch(/ingress\.networking\.k8s\.io\//);
    const events = await core.listNamespacedEvent({ namespace });
    expect(events.items.some((e) => e.reason === "Applied")).toBe(true);

    // Every write came from the ServiceAccount, on the kinds its role names.
    const writes = (await auditedWrites(serviceAccount)).filter(
      (e) =>
        new Date(e.requestReceivedTimestamp) >= started &&
        e.objectRef?.resource !== "selfsubjectreviews", // this test's own `kubectl auth whoami`
    );
    const kinds = new Set(writes.map((e) => e.objectRef?.resource));
    expect([...kinds].sort()).toEqual([
      "configmaps",
      "deployments",
      "events",
      "ingresses",
      "leases",
      "namespaces",
      "secrets",
      "services",
    ]);
  });

  it("serves the status API with topology and the unmanaged inventory, and prunes, all without a refusal", async () => {
    // Objects a person made in the platform's namespace: listed as unmanaged, never touched
    // (a Secret too, but the controller cannot even read Secrets, so it is not listed).
    const made = `apiVersion: v1
kind: Secret
metadata: {name: hand-made, namespace: ${namespace}}
stringData: {token: not-ours}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: hand-made, namespace: ${namespace}}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: hand-made, namespace: ${namespace}}
spec:
  schedule: "0 0 1 1 *"
  suspend: true
  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: x, image: busybox}]}}}}
`;
    await kubectl(["apply", "-f", "-"], { input: made });

    // A new commit drops the worker: prune deletes its objects; the inventory is listed again.
    await work.commitAndPush({ "apps/store/app.yaml": appFile(false) }, "no worker");
    const d = await deploymentStatus(
      namespace,
      "branch/main",
      (x) => x.state === "Ready" && x.components.length === 1,
      "worker pruned",
      60_000,
    );
    expect(d.components[0]?.component).toBe("web");
    await eventually(
      async () => {
        const left = await clients().apps.listNamespacedDeployment({ namespace });
        return left.items.every((x) => !x.metadata?.name?.includes("worker")) ? true : undefined;
      },
      { what: "the worker's Deployment deleted" },
    );

    const url = await serverUrl(controller.logs);
    const api = `${url}/api/kubefox/v0/platform/${platform}`;
    const unmanaged = await eventually(
      async () => {
        const reply = await request(api);
        const data = (
          reply.body as { data?: { status?: { unmanaged?: { kind: string; name: string }[] } } }
        )?.data;
        const list = data?.status?.unmanaged ?? [];
        return list.some((o) => o.kind === "CronJob") ? list : undefined;
      },
      { what: "the unmanaged inventory in the status API", timeoutMs: 30_000 },
    );
    expect(unmanaged.map((o) => `${o.kind} ${o.name}`)).toEqual(
      expect.arrayContaining(["CronJob hand-made", "PersistentVolumeClaim hand-made"]),
    );
    expect(unmanaged.map((o) => o.kind)).not.toContain("Secret");
    const topology = await request(`${api}/topology`);
    expect(topology.status).toBe(200);

    expect(controller.logs()).not.toMatch(/forbidden|\b403\b/i);
    // The hand-made Secret was never written to.
    const writes = await auditedWrites(serviceAccount);
    expect(writes.filter((e) => e.objectRef?.name === "hand-made")).toEqual([]);
  });

  it("holds its shard Leases and its member Lease in kubefox-system", async () => {
    const holders = (
      await kubectl([
        "get",
        "lease",
        "-n",
        system,
        "-l",
        "kubefox.io/lease-group=kubefox-gitops",
        "-o",
        'jsonpath={range .items[*]}{.metadata.name} {.spec.holderIdentity}{"\\n"}{end}',
      ])
    ).stdout
      .split("\n")
      .filter(Boolean)
      .sort();
    expect(holders.map((l) => l.split(" ")[0])).toEqual(
      expect.arrayContaining([
        "kubefox-gitops-shard-0",
        "kubefox-gitops-shard-1",
        "kubefox-gitops-shard-2",
        "kubefox-gitops-shard-3",
      ]),
    );
    for (const line of holders) expect(line).toMatch(/^kubefox-gitops-\S+ .+_\d+$/);
  });

  // What the controller never needs, and so must not be able to do.
  it.each([
    [
      "create",
      "clusterroles.rbac.authorization.k8s.io",
      "cluster-wide",
      "grant itself more rights",
    ],
    [
      "bind",
      "clusterroles.rbac.authorization.k8s.io",
      "cluster-wide",
      "bind roles it does not hold",
    ],
    ["escalate", "roles.rbac.authorization.k8s.io", "default", "escalate a role"],
    ["create", "rolebindings.rbac.authorization.k8s.io", "default", "bind roles in a namespace"],
    ["impersonate", "users", "cluster-wide", "act as someone else"],
    ["impersonate", "serviceaccounts", "kube-system", "act as another ServiceAccount"],
    ["create", "serviceaccounts/token", system, "mint tokens"],
    ["delete", "namespaces", "cluster-wide", "delete namespaces (it never does)"],
    ["patch", "nodes", "cluster-wide", "touch nodes"],
    ["get", "nodes", "cluster-wide", "read nodes"],
    ["get", "secrets", "kube-system", "read a Secret"],
    ["list", "secrets", "default", "list Secrets"],
    ["watch", "secrets", "cluster-wide", "watch Secrets"],
    ["update", "secrets", "kube-system", "change a Secret"],
    ["patch", "secrets", "default", "change a Secret by apply"],
    ["delete", "secrets", "default", "delete a Secret"],
    ["create", "pods", "default", "run a pod directly"],
    ["create", "pods/exec", "default", "exec into pods"],
    ["get", "pods/log", "default", "read logs"],
    ["update", "configmaps", "default", "PUT objects (it only applies)"],
    ["deletecollection", "configmaps", "default", "delete in bulk"],
    ["update", "deployments/scale", "default", "scale what it does not render"],
    ["create", "customresourcedefinitions.apiextensions.k8s.io", "cluster-wide", "extend the API"],
    [
      "create",
      "mutatingwebhookconfigurations.admissionregistration.k8s.io",
      "cluster-wide",
      "intercept requests",
    ],
    ["get", "leases.coordination.k8s.io", "kube-system", "read other components' leases"],
    [
      "update",
      "leases.coordination.k8s.io/kube-controller-manager",
      "kube-system",
      "take over another leader election",
    ],
    ["create", "leases.coordination.k8s.io", "default", "create Leases elsewhere"],
  ] as [string, string, string, string][])(
    "refuses to %s %s (%s): it must not %s",
    async (verb, resource, ns) => {
      expect(
        await canI(serviceAccount, verb, resource, ns === "cluster-wide" ? undefined : ns),
      ).toBe(false);
    },
  );

  // And is allowed what it does, in any namespace a platform names.
  it.each([
    ["patch", "deployments.apps"],
    ["create", "deployments.apps"],
    ["delete", "services"],
    ["watch", "ingresses.networking.k8s.io"],
    ["create", "secrets"],
    ["create", "events"],
    ["list", "cronjobs.batch"],
    ["watch", "pods"],
  ])("may %s %s in a platform's namespace", async (verb, resource) => {
    expect(await canI(serviceAccount, verb, resource, "any-platform-namespace")).toBe(true);
  });

  it.each(["list", "watch", "update", "patch", "delete"])(
    "may %s the Leases of its own namespace (shards, members, the sync signal)",
    async (verb) => {
      expect(await canI(serviceAccount, verb, "leases.coordination.k8s.io", system)).toBe(true);
    },
  );
});

describe("kubectl delete -k .", () => {
  it("uninstalls: the cluster-wide role and binding go, the namespace is deleted", async () => {
    await requireKubectl();
    await kubectl(["delete", "-k", ".", "--wait=false"], { cwd: root });
    for (const kind of ["clusterrole", "clusterrolebinding"]) {
      const got = await kubectl(["get", kind, "kubefox-gitops"], { reject: false });
      expect(got.stderr).toMatch(/NotFound/);
    }
    const ns = await kubectl(["get", "namespace", system, "-o", "jsonpath={.status.phase}"], {
      reject: false,
    });
    expect(ns.exitCode === 0 ? ns.stdout : "gone").toMatch(/Terminating|gone/);
  });
});
