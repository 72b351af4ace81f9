// Every replica works (issue 17): three real `kubefox-gitops run` processes with
// --shards against the real API server, each with its own ServiceAccount so
// that the audit log tells their writes apart. Six platforms, one per shard,
// split over the replicas with no overlap; a webhook to any of them deploys at
// once (the poll is a year away); any replica's status API lists every
// platform; a replica killed while pushes arrive loses its platforms to the
// others, which apply every push; one frozen and woken writes nothing before
// it holds a shard again; a fourth one takes a share.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import path from "node:path";
import {
  CoordinationV1Api,
  RbacAuthorizationV1Api,
  type V1Deployment,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import { shardOf } from "../../controller/cluster/shard-plan.js";
import { request, serverUrl } from "../support/api.js";
import { startController, type RunningController } from "../support/controller.js";
import { createRepoWithClone } from "../support/git.js";
import { serviceAccountIdentity } from "../support/identity.js";
import {
  auditedWrites,
  clients,
  createNamespace,
  eventually,
  kubeConfig,
} from "../support/kube.js";
import { metric } from "../support/failure-helpers.js";
import { platformFile, systemFiles } from "../support/systems.js";
import { generic, genericPush } from "../webhooks/payloads.js";

const leaseSeconds = 4;
const shards = 6;
const timing = {
  "--leader-election-lease-duration": `${leaseSeconds}s`,
  "--leader-election-renew-deadline": "3s",
  "--leader-election-retry-period": "500ms",
};
const secret = randomBytes(16).toString("hex");
const web = "shop-branch-main-store-web";
const suffix = randomBytes(3).toString("hex");

/** One platform per shard: names picked so that shardOf spreads them over all six. */
const platforms: { name: string; namespace: string; shard: number }[] = [];
for (let i = 0; platforms.length < shards; i++) {
  const name = `p${i}`;
  const shard = shardOf(name, shards);
  if (!platforms.some((p) => p.shard === shard))
    platforms.push({ name, namespace: `shard-${suffix}-${name}`, shard });
}

interface Replica {
  name: string;
  user: string;
  controller: RunningController;
  identity: string;
  url: string;
}

let leaseNs: { name: string; remove: () => Promise<void> };
let dir: string;
let work: WorkingCopy;
let repoUrl: string;
const replicas: Replica[] = [];
const bindings: string[] = [];

/** A controller identity of its own, its binding deleted after the suite. */
async function identity(name: string): Promise<{ kubeconfig: string; user: string }> {
  const made = await serviceAccountIdentity(leaseNs.name, name, dir);
  bindings.push(made.binding);
  return made;
}

async function startReplica(name: string): Promise<Replica> {
  const { kubeconfig, user } = await identity(name);
  const controller = await startController(repoUrl, {
    args: [
      "--kubeconfig",
      kubeconfig,
      "--shards",
      String(shards),
      "--leader-election-namespace",
      leaseNs.name,
      // No poll in this suite: only webhooks (and the start) sync.
      "--poll",
      "0 0 1 1 *",
      ...Object.entries(timing).flat(),
    ],
    env: { KUBEFOX_GITOPS_WEBHOOK_SECRET: secret },
  });
  const replica = {
    name,
    user,
    controller,
    identity: `${os.hostname()}_${controller.process.pid}`,
    url: await serverUrl(controller.logs),
  };
  replicas.push(replica);
  return replica;
}

/** Holder of each shard's Lease, by shard. */
async function holders(): Promise<string[]> {
  const api = kubeConfig().makeApiClient(CoordinationV1Api);
  return Promise.all(
    Array.from({ length: shards }, (_, i) =>
      api
        .readNamespacedLease({ name: `kubefox-gitops-shard-${i}`, namespace: leaseNs.name })
        .then((l) => l.spec?.holderIdentity ?? "")
        .catch(() => ""),
    ),
  );
}

async function image(namespace: string): Promise<string | undefined> {
  const d: V1Deployment | undefined = await clients()
    .apps.readNamespacedDeployment({ name: web, namespace })
    .catch(() => undefined);
  return d?.spec?.template.spec?.containers[0]?.image;
}

function everyPlatformAt(tag: string, what: string) {
  return eventually(
    async () => {
      const images = await Promise.all(platforms.map((p) => image(p.namespace)));
      return images.every((i) => i?.endsWith(`:${tag}`)) ? true : undefined;
    },
    { what, timeoutMs: 60_000, intervalMs: 100 },
  );
}

let lastHead = "";
const push = async (tag: string) =>
  (lastHead = await work.commitAndPush(
    systemFiles({ image: `ghcr.io/acme/shop-web:${tag}`, replicas: 1 }),
    tag,
  ));

async function webhook(replica: Replica, commit: string): Promise<void> {
  const delivery = generic(genericPush({ url: repoUrl, after: commit }), secret);
  const reply = await request(`${replica.url}/webhooks/generic`, {
    method: "POST",
    headers: delivery.headers,
    body: delivery.body,
  });
  expect(reply.status).toBe(202);
}

/** Writes by `replica` since `since`, with the namespace they went to. */
async function writes(replica: Replica, since = new Date(0)) {
  return (await auditedWrites(replica.user))
    .filter((e) => new Date(e.requestReceivedTimestamp) >= since)
    .map((e) => ({
      at: new Date(e.requestReceivedTimestamp),
      namespace: e.objectRef?.namespace ?? "",
      what: `${e.verb} ${e.objectRef?.resource}/${e.objectRef?.name}`,
    }));
}

/** Which identities wrote each platform's objects (its namespace) since `since`. */
async function writersByPlatform(since = new Date(0)): Promise<Map<string, Set<string>>> {
  const byPlatform = new Map(platforms.map((p) => [p.name, new Set<string>()]));
  for (const r of replicas) {
    for (const w of await writes(r, since)) {
      const p = platforms.find((x) => x.namespace === w.namespace);
      if (p) byPlatform.get(p.name)!.add(r.name);
    }
  }
  return byPlatform;
}

/** Every object the controllers made for this suite's platforms, with its platform. */
async function managedObjects(): Promise<{ kind: string; platform: string }[]> {
  const { core, apps } = clients();
  const labelSelector = "app.kubernetes.io/managed-by=kubefox-gitops";
  const namespaces = new Set(platforms.map((p) => p.namespace));
  const lists = await Promise.all([
    core.listNamespace({ labelSelector }),
    core.listConfigMapForAllNamespaces({ labelSelector }),
    core.listServiceForAllNamespaces({ labelSelector }),
    apps.listDeploymentForAllNamespaces({ labelSelector }),
  ]);
  type Listed = {
    metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  };
  return lists.flatMap((l, i) =>
    (l.items as Listed[])
      .filter((o) => namespaces.has(o.metadata?.namespace ?? o.metadata?.name ?? ""))
      .map((o) => ({
        kind: ["Namespace", "ConfigMap", "Service", "Deployment"][i]!,
        platform: o.metadata?.labels?.["kubefox.io/platform"] ?? "",
      })),
  );
}

function byIdentity(identity: string): Replica {
  return replicas.find((r) => r.identity === identity)!;
}

describe("three replicas, platforms sharded over them", () => {
  beforeAll(async () => {
    leaseNs = await createNamespace("shard");
    dir = await mkdtemp(path.join(tmpdir(), "kubefox-shard-"));
    const created = await createRepoWithClone("shard");
    work = created.work;
    repoUrl = created.repo.url;
    await work.commitAndPush(
      {
        ...systemFiles({ image: "ghcr.io/acme/shop-web:1.0.0", replicas: 1 }),
        ...Object.assign(
          {},
          ...platforms.map((p, i) =>
            // The first platform also releases: its health is in the status its owner keeps.
            platformFile(
              p.name,
              p.namespace,
              ["branch/main"],
              i === 0 ? "  releases:\n    - {environment: prod, ref: branch/main}\n" : "",
            ),
          ),
        ),
        "environments/prod.yaml":
          "apiVersion: kubefox.io/v1alpha1\nkind: Environment\nmetadata: {name: prod}\nspec:\n  vars: {region: eu-west-1}\n",
      },
      "first",
    );
    await Promise.all(["replica-a", "replica-b", "replica-c"].map(startReplica));
  });

  afterAll(async () => {
    for (const r of replicas) {
      r.controller.process.kill("SIGCONT");
      await r.controller.stop();
    }
    const rbac = kubeConfig().makeApiClient(RbacAuthorizationV1Api);
    for (const name of bindings)
      await rbac.deleteClusterRoleBinding({ name }).catch(() => undefined);
    for (const p of platforms)
      await clients()
        .core.deleteNamespace({ name: p.namespace })
        .catch(() => undefined);
    await leaseNs?.remove();
    await work?.remove();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("splits the platforms with no overlap: each written by exactly one replica, every replica a share", async () => {
    const balanced = await eventually(
      async () => {
        const h = await holders();
        const counts = replicas.map((r) => h.filter((x) => x === r.identity).length);
        return counts.every((n) => n === shards / replicas.length) ? h : undefined;
      },
      { what: "two shards held by each replica", timeoutMs: 60_000 },
    );
    await everyPlatformAt("1.0.0", "every platform applied");
    // The first replica up held every shard until the others joined: measure once they share.
    const since = new Date();
    const head = await push("1.0.1");
    await webhook(replicas[0]!, head);
    await everyPlatformAt("1.0.1", "a push applied on every platform");
    const writers = await writersByPlatform(since);
    for (const p of platforms) {
      // The one writer is the holder of the platform's shard.
      expect([...writers.get(p.name)!], p.name).toEqual([byIdentity(balanced[p.shard]!).name]);
    }
    expect(new Set([...writers.values()].flatMap((s) => [...s])).size).toBe(3);
  });

  it("deploys at once a webhook sent to each replica in turn", async () => {
    for (const [i, r] of replicas.entries()) {
      const tag = `1.${i + 1}.0`;
      const head = await push(tag);
      await webhook(r, head);
      await everyPlatformAt(tag, `the push to ${r.name} applied on every platform`);
    }
  });

  it("serves every platform's status from any replica", async () => {
    const head = lastHead;
    for (const r of replicas) {
      const names = await request(`${r.url}/api/kubefox/v0/platform`);
      expect((names.body as { data: string[] }).data).toEqual(
        expect.arrayContaining(platforms.map((p) => p.name)),
      );
      for (const p of platforms) {
        await eventually(
          async () => {
            const reply = await request(
              `${r.url}/api/kubefox/v0/platform/${p.name}/deployment/shop/branch/main`,
            );
            const status = (reply.body as { data?: { status?: { appliedId?: string } } }).data
              ?.status;
            return status?.appliedId === head ? true : undefined;
          },
          { what: `${r.name} reporting ${p.name} at the last push` },
        );
      }
    }
  });

  it("shows a release's health on every replica, the owner's view, though only the owner watches it", async () => {
    const released = platforms[0]!;
    for (const r of replicas) {
      await eventually(
        async () => {
          const reply = await request(
            `${r.url}/api/kubefox/v0/platform/${released.name}/release/shop/prod`,
          );
          const status = (
            reply.body as {
              data?: { status?: { state?: string; components?: { name: string }[] } };
            }
          ).data?.status;
          return status?.state === "Ready" && status.components?.length ? true : undefined;
        },
        { what: `${r.name} reporting ${released.name}'s release Ready`, timeoutMs: 60_000 },
      );
    }
  });

  it("watches only its own platforms' objects on each replica, and every platform's status", async () => {
    const h = await holders();
    const all = await managedObjects();
    for (const r of replicas) {
      const mine = platforms.filter((p) => h[p.shard] === r.identity).map((p) => p.name);
      expect(mine).toHaveLength(2);
      // Its platforms' objects, and the status ConfigMaps of the four it does not own.
      const expected =
        all.filter((o) => mine.includes(o.platform)).length + (platforms.length - mine.length);
      await eventually(
        async () =>
          (await metric(r.url, "kubefox_gitops_cached_objects")) === expected ? true : undefined,
        { what: `${r.name} holding ${expected} of ${all.length} objects` },
      );
    }
  });

  it("hands a killed replica's platforms to the others, which apply every push", async () => {
    const [a, , c] = replicas as [Replica, Replica, Replica];
    const before = await holders();
    const hisShards = before.flatMap((h, i) => (h === c.identity ? [i] : []));
    expect(hisShards).toHaveLength(2);
    const killed = Date.now();
    c.controller.process.kill("SIGKILL");
    const head = await push("2.0.0");
    await webhook(a, head);
    await eventually(
      async () => {
        const h = await holders();
        return hisShards.every((s) => h[s] !== c.identity && h[s] !== "") ? true : undefined;
      },
      { what: "the killed replica's shards taken over", timeoutMs: 30_000, intervalMs: 100 },
    );
    const tookOverMs = Date.now() - killed;
    await everyPlatformAt("2.0.0", "the push applied on every platform, the killed one's too");
    const next = await push("2.1.0");
    await webhook(a, next);
    await everyPlatformAt("2.1.0", "the next push applied on every platform");
    console.log(`shard takeover after SIGKILL: ${tookOverMs} ms (lease ${leaseSeconds} s)`);
  });

  it("lets a frozen replica wake up without writing anything before it holds a shard again", async () => {
    const [a, b] = replicas as [Replica, Replica];
    b.controller.process.kill("SIGSTOP");
    const head = await push("3.0.0");
    await webhook(a, head);
    await eventually(
      async () => ((await holders()).every((h) => h === a.identity) ? true : undefined),
      { what: "every shard held by the one replica left awake", timeoutMs: 30_000 },
    );
    await everyPlatformAt("3.0.0", "the push applied while b is frozen");

    const woke = new Date();
    b.controller.process.kill("SIGCONT");
    const next = await push("3.1.0");
    await webhook(a, next);
    await everyPlatformAt("3.1.0", "the push after b woke applied");
    await new Promise((r) => setTimeout(r, 3_000));
    // Every write of b since it woke to a platform's namespace follows b's claim of that shard.
    const since = await writes(b, woke);
    for (const w of since.filter((x) => platforms.some((p) => p.namespace === x.namespace))) {
      const shard = platforms.find((p) => p.namespace === w.namespace)!.shard;
      const claim = since.find(
        (x) => x.what === `update leases/kubefox-gitops-shard-${shard}` && x.at <= w.at,
      );
      expect(claim, `${w.what} in ${w.namespace} after waking`).toBeDefined();
    }
    expect(b.controller.logs()).toContain("stopped writing shards");
  });

  it("gives a fourth replica a share", async () => {
    const d = await startReplica("replica-d");
    const live = [replicas[0]!, replicas[1]!, d];
    await eventually(
      async () => {
        const h = await holders();
        return live.every((r) => h.filter((x) => x === r.identity).length === 2) ? true : undefined;
      },
      { what: "two shards each for the three live replicas", timeoutMs: 60_000 },
    );
    const since = new Date();
    const head = await push("4.0.0");
    await webhook(d, head);
    await everyPlatformAt("4.0.0", "the push to the newcomer applied on every platform");
    const h = await holders();
    const writers = await writersByPlatform(since);
    for (const p of platforms)
      expect([...writers.get(p.name)!], p.name).toEqual([byIdentity(h[p.shard]!).name]);
  });

  it("never had two replicas writing one platform at once, over the whole run (audit log)", async () => {
    const users = new Map(replicas.map((r) => [r.user, r.name]));
    // Writes the API server carried out: a claim that lost a race (409 Conflict, read from
    // a stale Lease under load) is logged too, but it made nobody the holder.
    const events = (await auditedWrites())
      .filter((e) => users.has(e.user.username) && (e.responseStatus?.code ?? 200) < 300)
      .map((e) => ({
        at: new Date(e.requestReceivedTimestamp).getTime(),
        who: users.get(e.user.username)!,
        resource: e.objectRef?.resource,
        name: e.objectRef?.name,
        namespace: e.objectRef?.namespace,
      }))
      .sort((x, y) => x.at - y.at);
    let checked = 0;
    for (const p of platforms) {
      const lease = `kubefox-gitops-shard-${p.shard}`;
      let holder: string | undefined;
      for (const e of events) {
        if (e.resource === "leases" && e.name === lease) holder = e.who;
        else if (e.namespace === p.namespace) {
          // The last write of the shard's Lease before it was the writer's own claim or renewal.
          expect(
            holder,
            `${e.resource}/${e.name} in ${p.name} at ${new Date(e.at).toISOString()}`,
          ).toBe(e.who);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
