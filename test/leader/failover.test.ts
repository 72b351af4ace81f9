// Two replicas, one leader (issue 7): two real `kubefox-gitops run` processes
// with --leader-elect against the real API server, each with its own
// ServiceAccount so that the audit log tells their writes apart. Exactly one
// writes while both serve the read-only API; a leader frozen past its renew
// deadline never writes again when it wakes; a leader killed with SIGKILL while
// pushes arrive is replaced within the lease duration, and the new leader
// applies the pushes.
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
import { platformFile, systemFiles } from "../support/systems.js";

// Short times, so a takeover takes seconds: the lease duration is the number that matters.
const leaseSeconds = 4;
const timing = {
  "--leader-election-lease-duration": `${leaseSeconds}s`,
  "--leader-election-renew-deadline": "3s",
  "--leader-election-retry-period": "500ms",
};
const leaseName = "kubefox-gitops";
const platform = "ha";
const web = "shop-branch-main-store-web";

interface Replica {
  name: string;
  user: string;
  controller: RunningController;
  identity: string;
  url: string;
}

let leaseNs: { name: string; remove: () => Promise<void> };
const namespace = `ha-${randomBytes(3).toString("hex")}`;
let dir: string;
let work: WorkingCopy;
let repoUrl: string;
let a: Replica;
let b: Replica;
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
      "--leader-elect",
      "--leader-election-namespace",
      leaseNs.name,
      ...Object.entries(timing).flat(),
    ],
  });
  return {
    name,
    user,
    controller,
    identity: `${os.hostname()}_${controller.process.pid}`,
    url: await serverUrl(controller.logs),
  };
}

async function lease() {
  return kubeConfig()
    .makeApiClient(CoordinationV1Api)
    .readNamespacedLease({ name: leaseName, namespace: leaseNs.name });
}

function holderIs(replica: Replica, timeoutMs = 30_000) {
  return eventually(
    async () => ((await lease()).spec?.holderIdentity === replica.identity ? true : undefined),
    { what: `${replica.name} holding the Lease`, timeoutMs, intervalMs: 100 },
  );
}

/** Writes by `replica`'s identity since `since`, as `verb resource/name`. */
async function writes(replica: Replica, since = new Date(0)) {
  return (await auditedWrites(replica.user))
    .filter((e) => new Date(e.requestReceivedTimestamp) >= since)
    .map((e) => ({
      at: new Date(e.requestReceivedTimestamp),
      what: `${e.verb} ${e.objectRef?.resource}/${e.objectRef?.name}`,
    }));
}

/** The deployment as a replica's status API reports it. */
async function reported(replica: Replica) {
  const reply = await request(
    `${replica.url}/api/kubefox/v0/platform/${platform}/deployment/shop/branch/main`,
  );
  return (reply.body as { data?: { status?: { state: string; appliedId: string } } }).data?.status;
}

async function image(): Promise<string | undefined> {
  const d: V1Deployment | undefined = await clients()
    .apps.readNamespacedDeployment({ name: web, namespace })
    .catch(() => undefined);
  return d?.spec?.template.spec?.containers[0]?.image;
}

function imageIs(tag: string, what: string) {
  return eventually(async () => ((await image())?.endsWith(`:${tag}`) ? true : undefined), {
    what,
    timeoutMs: 30_000,
  });
}

const push = (tag: string) =>
  work.commitAndPush(systemFiles({ image: `ghcr.io/acme/shop-web:${tag}`, replicas: 1 }), tag);

describe("two replicas with leader election", () => {
  beforeAll(async () => {
    leaseNs = await createNamespace("leader");
    dir = await mkdtemp(path.join(tmpdir(), "kubefox-leader-"));
    const created = await createRepoWithClone("leader");
    work = created.work;
    repoUrl = created.repo.url;
    await work.commitAndPush(
      {
        ...systemFiles({ image: "ghcr.io/acme/shop-web:1.0.0", replicas: 1 }),
        ...platformFile(platform, namespace, ["branch/main"]),
      },
      "first",
    );
    a = await startReplica("replica-a");
    await holderIs(a);
    b = await startReplica("replica-b");
  });

  afterAll(async () => {
    for (const r of [a, b]) {
      if (!r) continue;
      r.controller.process.kill("SIGCONT");
      await r.controller.stop();
    }
    const rbac = kubeConfig().makeApiClient(RbacAuthorizationV1Api);
    for (const name of bindings)
      await rbac.deleteClusterRoleBinding({ name }).catch(() => undefined);
    await clients()
      .core.deleteNamespace({ name: namespace })
      .catch(() => undefined);
    await leaseNs?.remove();
    await work?.remove();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("lets exactly one replica write, while both serve the read-only API", async () => {
    await imageIs("1.0.0", "the first commit applied");
    // A push and drift while both run: work for a writer, which only the leader does.
    const head = await push("1.1.0");
    await imageIs("1.1.0", "the push applied");
    await clients().core.deleteNamespacedService({ name: web, namespace });
    await eventually(
      () =>
        clients()
          .core.readNamespacedService({ name: web, namespace })
          .then(() => true)
          .catch(() => undefined),
      { what: "the deleted Service restored" },
    );
    const first = await eventually(
      async () => {
        const d = await reported(a);
        return d?.state === "Ready" && d.appliedId === head ? d : undefined;
      },
      { what: "the leader reporting Ready" },
    );
    // The follower answers from the status the leader keeps in the cluster, which reaches
    // it a moment later (it may first see the commit still Progressing).
    const seen = await eventually(
      async () => {
        const d = await reported(b);
        return d?.appliedId === first.appliedId && d.state === "Ready" ? d : undefined;
      },
      { what: "the follower reporting what the leader applied, Ready" },
    );
    expect(seen.state).toBe("Ready");
    expect((await request(`${b.url}/readyz`)).status).toBe(200);
    // A few poll cycles later: the follower has written nothing at all, not even to the Lease.
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await writes(a)).map((w) => w.what)).toEqual(
      expect.arrayContaining([
        `patch deployments/${web}`,
        `patch services/${web}`,
        `update leases/${leaseName}`,
      ]),
    );
    expect(await writes(b)).toEqual([]);
    expect(b.controller.logs()).toContain("the Lease is held by another replica");
    expect(b.controller.logs()).not.toContain("became the leader");
    expect((await lease()).spec?.holderIdentity).toBe(a.identity);
  });

  it("takes over from a frozen leader, which writes nothing when it wakes up", async () => {
    // SIGSTOP: a leader that stalls (a long GC pause, a frozen VM) without dying.
    a.controller.process.kill("SIGSTOP");
    const frozen = Date.now();
    await push("2.0.0");
    await holderIs(b, 20_000);
    expect(Date.now() - frozen).toBeLessThan((leaseSeconds + 3) * 1000);
    await imageIs("2.0.0", "the new leader applying the push");

    const woke = new Date();
    a.controller.process.kill("SIGCONT");
    await push("3.0.0");
    await imageIs("3.0.0", "the new leader applying the next push");
    await eventually(
      async () => (a.controller.logs().includes("stopped leading") ? true : undefined),
      { what: "the old leader noticing it lost the Lease" },
    );
    await new Promise((r) => setTimeout(r, 2_000));
    // Its renew deadline had passed: not one write since it woke, not even a Lease update.
    expect(await writes(a, woke)).toEqual([]);
    expect((await lease()).spec?.holderIdentity).toBe(b.identity);
    // And it serves what the new leader applied.
    const bApplied = (await reported(b))?.appliedId;
    await eventually(async () => ((await reported(a))?.appliedId === bApplied ? true : undefined), {
      what: "the old leader, now a follower, reporting the new leader's status",
    });
  });

  it("replaces a leader killed with SIGKILL while pushes arrive, within the lease duration", async () => {
    await push("4.0.0");
    const killed = Date.now();
    b.controller.process.kill("SIGKILL");
    await push("5.0.0");
    await holderIs(a, 20_000);
    const tookOver = Date.now() - killed;
    // A candidate waits one lease duration after the last renewal it saw, then retries every 0.5 s.
    expect(tookOver).toBeLessThan((leaseSeconds + 2) * 1000);
    await push("6.0.0");
    await imageIs("6.0.0", "the pushes applied by the new leader");
    const acquired = new Date(String((await lease()).spec?.acquireTime));
    // Nothing but the Lease was written by a before it held the Lease again.
    const sinceKill = await writes(a, new Date(killed));
    expect(
      sinceKill.filter((w) => !w.what.startsWith("update leases/") && w.at < acquired),
    ).toEqual([]);
    expect(sinceKill.map((w) => w.what)).toContain(`patch deployments/${web}`);
    expect(a.controller.logs().match(/became the leader/g)).toHaveLength(2);
  });

  it("hands over at once when the leader stops cleanly (SIGTERM, as in a rolling update)", async () => {
    const c = await startReplica("replica-c");
    await eventually(
      async () => (c.controller.logs().includes("held by another replica") ? true : undefined),
      { what: "the new replica following" },
    );
    const stopping = Date.now();
    await a.controller.stop();
    await holderIs(c, 10_000);
    // Released, not expired: no lease duration to wait out.
    expect(Date.now() - stopping).toBeLessThan(leaseSeconds * 1000);
    expect(a.controller.logs()).toContain("stopping: released the Lease");
    await push("7.0.0");
    await imageIs("7.0.0", "the push applied by the replica that took over");
    await c.controller.stop();
  });
});
