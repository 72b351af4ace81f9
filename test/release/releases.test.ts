// git tag releases (issue: Releases). A platform releases environment `prod` at
// `tag/v*` and `staging` at `branch/main`; the real controller runs against the
// real Git server and control plane with KWOK nodes; the test checks what a user
// sees: release state in the cluster, the environment's Service endpoints and
// Ingress, and the routing Secret.
import { randomBytes } from "node:crypto";
import { DiscoveryV1Api, type V1Secret } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReleaseState } from "../../controller/reconcile/release.js";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import { startController, storedStatus, type RunningController } from "../support/controller.js";
import { createRepoWithClone } from "../support/git.js";
import { clients, eventually } from "../support/kube.js";

const namespace = `rel-${randomBytes(3).toString("hex")}`;
const deadlineSeconds = 6;
const prodService = "shop-prod-store-web";

let work: WorkingCopy;
let repoUrl: string;
let controller: RunningController;

function app(options: { image: string; cpu?: string; env?: string }): string {
  return `apiVersion: kubefox.io/v1alpha1
kind: App
metadata: {name: store}
spec:
  components:
    web:
      image: ${options.image}
      replicas: 2
      ports: [{name: http, containerPort: 8080}]
      env:
        REGION: "{{.Env.region}}"
        DB_PASSWORD: "{{.Secrets.dbPassword}}"
${options.env ?? ""}      routes:
        - rule: Host(\`{{.Env.domain}}\`) && PathPrefix(\`/shop\`)
${options.cpu ? `      resources: {requests: {cpu: "${options.cpu}"}}\n` : ""}`;
}

const control = {
  "kubefox.yaml":
    "apiVersion: kubefox.io/v1alpha1\nkind: System\nmetadata: {name: shop}\nspec: {title: Shop}\n",
  "environments/prod.yaml": `apiVersion: kubefox.io/v1alpha1
kind: Environment
metadata: {name: prod}
spec:
  config: prod
  hostNames: [shop.example.com]
  vars: {region: eu-west-1, domain: shop.example.com}
  releasePolicy: {activationDeadlineSeconds: ${deadlineSeconds}, historyLimit: 3}
`,
  "environments/staging.yaml": `apiVersion: kubefox.io/v1alpha1
kind: Environment
metadata: {name: staging}
spec:
  config: prod
  hostNames: [staging.example.com]
  vars: {region: eu-west-2, domain: staging.example.com}
  releasePolicy: {activationDeadlineSeconds: ${deadlineSeconds}}
`,
  "configs/prod.yaml": `apiVersion: kubefox.io/v1alpha1
kind: Config
metadata: {name: prod}
spec:
  secrets:
    dbPassword: {secretRef: {name: shop-db, key: password}}
`,
  "platforms/rel.yaml": `apiVersion: kubefox.io/v1alpha1
kind: Platform
metadata: {name: rel}
spec:
  namespace: ${namespace}
  releases:
    - {environment: prod, ref: tag/v*}
    - {environment: staging, ref: branch/main}
`,
};

async function release(environment: string): Promise<ReleaseState | undefined> {
  return (await storedStatus(namespace))?.releases?.[environment];
}

function releaseWhere(
  environment: string,
  check: (r: ReleaseState) => boolean,
  what: string,
  timeoutMs = 30_000,
) {
  return eventually(
    async () => {
      const r = await release(environment);
      return r && check(r) ? r : undefined;
    },
    { what, timeoutMs },
  );
}

async function tagAndPush(tag: string): Promise<string> {
  await work.tag(tag);
  await work.git("push", "--quiet", "origin", tag);
  return work.git("rev-parse", "HEAD");
}

/** Names of the pods behind a Service's ready endpoints. */
async function readyEndpointPods(service: string): Promise<string[]> {
  const discovery = clients().kc.makeApiClient(DiscoveryV1Api);
  const slices = await discovery.listNamespacedEndpointSlice({
    namespace,
    labelSelector: `kubernetes.io/service-name=${service}`,
  });
  return slices.items
    .flatMap((s) => s.endpoints)
    .filter((e) => e.conditions?.ready)
    .map((e) => e.targetRef?.name ?? "")
    .sort();
}

async function podsOf(commit: string): Promise<string[]> {
  const pods = await clients().core.listNamespacedPod({
    namespace,
    labelSelector: `kubefox.io/commit=${commit},kubefox.io/environment=prod`,
  });
  return pods.items.map((p) => p.metadata!.name!).sort();
}

describe("git tag releases", () => {
  let v1: string;

  beforeAll(async () => {
    const created = await createRepoWithClone("release");
    work = created.work;
    repoUrl = created.repo.url;
    await work.commitAndPush(
      { ...control, "apps/store/app.yaml": app({ image: "shop-web:1.0.0" }) },
      "first",
    );
    controller = await startController(repoUrl);
  });

  afterAll(async () => {
    await controller?.stop();
    await clients()
      .core.deleteNamespace({ name: namespace })
      .catch(() => undefined);
    await work?.remove();
  });

  it("releases a pushed tag and cuts traffic over once it is Available", async () => {
    v1 = await tagAndPush("v1.0.0");
    const prod = await releaseWhere(
      "prod",
      (r) => r.active?.commit === v1,
      "prod active at v1.0.0",
    );
    expect(prod.pending).toBeUndefined();
    expect(prod.active).toMatchObject({
      ref: "tag/v*",
      requestTime: expect.any(String),
      activationTime: expect.any(String),
    });

    const { core } = clients();
    const svc = await core.readNamespacedService({ name: prodService, namespace });
    expect(svc.spec?.selector?.["kubefox.io/owner"]).toBe(`release-prod-${v1.slice(0, 12)}`);
    await eventually(
      async () => ((await readyEndpointPods(prodService)).length === 2 ? true : undefined),
      {
        what: "two ready endpoints",
      },
    );
    expect(await readyEndpointPods(prodService)).toEqual(await podsOf(v1));

    const ingress = await clients()
      .kc.makeApiClient((await import("@kubernetes/client-node")).NetworkingV1Api)
      .readNamespacedIngress({ name: "shop-prod", namespace });
    expect(ingress.spec?.rules?.[0]).toMatchObject({
      host: "shop.example.com",
      http: {
        paths: [
          {
            path: "/shop",
            pathType: "Prefix",
            backend: { service: { name: prodService, port: { name: "http" } } },
          },
        ],
      },
    });

    // Secrets only by reference, never by value; the routing Secret made once with random keys.
    const deployment = await clients().apps.readNamespacedDeployment({
      name: `shop-prod-${v1.slice(0, 12)}-store-web`,
      namespace,
    });
    expect(deployment.spec?.template.spec?.containers[0]?.env).toEqual([
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "shop-db", key: "password" } } },
    ]);
    const routing: V1Secret = await core.readNamespacedSecret({ name: "prod-routing", namespace });
    for (const key of ["public-api-key", "private-api-key"]) {
      const value = Buffer.from(routing.data![key]!, "base64").toString();
      expect(Buffer.from(value, "base64")).toHaveLength(32);
      expect(JSON.stringify(await storedStatus(namespace))).not.toContain(value);
    }
  });

  it("does not release a pushed tag of a lower version", async () => {
    await work.commitAndPush(
      { "apps/store/app.yaml": app({ image: "shop-web:0.9.0" }) },
      "old line",
    );
    await tagAndPush("v0.9.0");
    await new Promise((r) => setTimeout(r, 3000));
    const prod = await release("prod");
    expect(prod?.active?.commit).toBe(v1);
    expect(prod?.pending).toBeUndefined();
  });

  it("fails a version that cannot become Available at its deadline, the old one serving throughout", async () => {
    const before = (await clients().core.readNamespacedSecret({ name: "prod-routing", namespace }))
      .data;
    await work.commitAndPush(
      { "apps/store/app.yaml": app({ image: "shop-web:1.1.0", cpu: "64" }) },
      "too big for any node",
    );
    const v11 = await tagAndPush("v1.1.0");
    await releaseWhere("prod", (r) => r.pending?.commit === v11, "v1.1.0 pending");
    const serving = await podsOf(v1);

    // While it is pending, the Service's endpoints are the old pods and only those.
    const deadline = Date.now() + (deadlineSeconds + 10) * 1000;
    let concluded: ReleaseState | undefined;
    while (Date.now() < deadline && !concluded) {
      expect(await readyEndpointPods(prodService)).toEqual(serving);
      const r = await release("prod");
      if (r && !r.pending) concluded = r;
      await new Promise((res) => setTimeout(res, 200));
    }
    expect(concluded?.active?.commit).toBe(v1);
    expect(concluded?.history[0]).toMatchObject({
      commit: v11,
      reason: "PendingDeadlineExceeded",
      archiveTime: expect.any(String),
    });
    await eventually(async () => ((await podsOf(v11)).length === 0 ? true : undefined), {
      what: "v1.1.0's pods removed",
    });
    expect(await readyEndpointPods(prodService)).toEqual(serving);
    // The routing keys are never regenerated.
    expect(
      (await clients().core.readNamespacedSecret({ name: "prod-routing", namespace })).data,
    ).toEqual(before);
  });

  it("rolls back when a release's branch moves back to an older commit", async () => {
    const s1 = await work.commitAndPush(
      { "apps/store/app.yaml": app({ image: "shop-web:2.0.0" }) },
      "staging 2.0.0",
    );
    await releaseWhere("staging", (r) => r.active?.commit === s1, "staging active at 2.0.0");
    const s2 = await work.commitAndPush(
      { "apps/store/app.yaml": app({ image: "shop-web:2.1.0" }) },
      "staging 2.1.0",
    );
    await releaseWhere("staging", (r) => r.active?.commit === s2, "staging active at 2.1.0");

    await work.git("reset", "--quiet", "--hard", s1);
    await work.git("push", "--quiet", "--force", "origin", "HEAD:main");
    const staging = await releaseWhere(
      "staging",
      (r) => r.active?.commit === s1,
      "staging back at 2.0.0",
    );
    expect(staging.history[0]).toMatchObject({ commit: s2, reason: "RolledBack" });
    expect(staging.history[1]).toMatchObject({ commit: s1, reason: "Superseded" });
  });

  it("concludes a pending release correctly after a restart in the middle of it", async () => {
    await work.commitAndPush(
      { "apps/store/app.yaml": app({ image: "shop-web:1.3.0", cpu: "64" }) },
      "too big again",
    );
    const v13 = await tagAndPush("v1.3.0");
    await releaseWhere("prod", (r) => r.pending?.commit === v13, "v1.3.0 pending");
    await controller.stop();
    await new Promise((r) => setTimeout(r, (deadlineSeconds + 1) * 1000));

    controller = await startController(repoUrl, { stateDir: controller.stateDir });
    const prod = await releaseWhere(
      "prod",
      (r) => !r.pending,
      "v1.3.0 concluded after the restart",
    );
    expect(prod.active?.commit).toBe(v1);
    expect(prod.history[0]).toMatchObject({ commit: v13, reason: "PendingDeadlineExceeded" });
    await eventually(async () => ((await podsOf(v13)).length === 0 ? true : undefined), {
      what: "v1.3.0's pods removed",
    });
    expect(await readyEndpointPods(prodService)).toEqual(await podsOf(v1));
  });

  it("refuses a version whose template needs a variable the environment lacks, and keeps serving", async () => {
    await work.commitAndPush(
      {
        "apps/store/app.yaml": app({
          image: "shop-web:1.4.0",
          env: '        TIER: "{{.Env.tier}}"\n',
        }),
      },
      "needs tier",
    );
    const v14 = await tagAndPush("v1.4.0");
    const prod = await releaseWhere(
      "prod",
      (r) => (r.lastError ?? "").includes("tier"),
      "a validation error naming tier",
    );
    expect(prod.lastError).toMatch(
      /^apps\/store\/app\.yaml:13:\d+: component web: env TIER needs \{\{\.Env\.tier\}\}, which environment prod does not define$/m,
    );
    expect(prod.lastErrorCode).toBe("ValidationFailed");
    expect(prod.pending).toBeUndefined();
    expect(prod.active?.commit).toBe(v1);
    expect(await podsOf(v14)).toEqual([]);
  });
});
