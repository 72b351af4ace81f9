// Leader election against the real API server (issue 7): two electors in this
// process share one coordination.k8s.io/v1 Lease, with short times so that a
// takeover happens within seconds. What the API server keeps is read back with
// the admin client, as `kubectl get lease -o yaml` would show it.
import { CoordinationV1Api, type V1Lease } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../controller/log.js";
import { kubernetesLeaseStore, LeaderElector } from "../../controller/cluster/leader.js";
import { clusterClient, createNamespace, eventually, kubeConfig } from "../support/kube.js";

const timing = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 };
const log = createLogger({ level: "error" });

let namespace: { name: string; remove: () => Promise<void> };
const electors: LeaderElector[] = [];

function elector(identity: string, name: string): LeaderElector {
  const e = new LeaderElector({
    store: kubernetesLeaseStore(clusterClient(), namespace.name, name),
    identity,
    ...timing,
    log,
  });
  electors.push(e);
  return e;
}

async function lease(name: string): Promise<V1Lease> {
  return kubeConfig()
    .makeApiClient(CoordinationV1Api)
    .readNamespacedLease({ name, namespace: namespace.name });
}

describe("leader election on a real API server", () => {
  beforeAll(async () => {
    namespace = await createNamespace("lease");
  });
  afterAll(async () => {
    await Promise.all(electors.map((e) => e.stop()));
    await namespace?.remove();
  });

  it("creates the Lease with MicroTime fields the API server accepts, and renews it", async () => {
    const a = elector("a_1", "first");
    a.start();
    await eventually(async () => (a.leading ? true : undefined), { what: "a leads" });
    const created = await lease("first");
    expect(created.spec).toMatchObject({
      holderIdentity: "a_1",
      leaseDurationSeconds: 3,
      leaseTransitions: 0,
    });
    const firstRenew = String(created.spec?.renewTime);
    const renewed = await eventually(async () => {
      const l = await lease("first");
      return String(l.spec?.renewTime) !== firstRenew ? l : undefined;
    });
    expect(renewed.spec?.holderIdentity).toBe("a_1");
    expect(new Date(String(renewed.spec?.renewTime)).getTime()).toBeGreaterThan(
      new Date(firstRenew).getTime(),
    );
  });

  it("keeps a second candidate following; the Lease changes hands only when released or expired", async () => {
    const a = elector("a_2", "second");
    const b = elector("b_2", "second");
    a.start();
    await eventually(async () => (a.leading ? true : undefined), { what: "a leads" });
    b.start();
    await new Promise((r) => setTimeout(r, 2 * timing.leaseDurationMs));
    expect([a.leading, b.leading]).toEqual([true, false]);
    expect(b.holder).toBe("a_2");

    // A stop releases the Lease: b takes it within a retry period, not a lease duration.
    const stopped = Date.now();
    await a.stop();
    await eventually(async () => (b.leading ? true : undefined), { what: "b leads" });
    expect(Date.now() - stopped).toBeLessThan(timing.leaseDurationMs);
    expect((await lease("second")).spec).toMatchObject({
      holderIdentity: "b_2",
      leaseTransitions: 1,
    });
  });

  it("hands over one lease duration after the holder goes silent, not before", async () => {
    // A holder that stops renewing without releasing: its loop is stopped, its Lease left as it was.
    const a = elector("a_3", "third");
    a.start();
    await eventually(async () => (a.leading ? true : undefined), { what: "a leads" });
    const silent = a as unknown as { stopped: boolean; wake?: () => void; running?: Promise<void> };
    silent.stopped = true;
    silent.wake?.();
    await silent.running;
    const lastRenew = new Date(String((await lease("third")).spec?.renewTime)).getTime();

    const b = elector("b_3", "third");
    b.start();
    await eventually(async () => (b.leading ? true : undefined), {
      what: "b leads",
      timeoutMs: 15_000,
    });
    // a gave up writing at its renew deadline, before b could lead.
    expect(a.leading).toBe(false);
    const takenOver = new Date(String((await lease("third")).spec?.acquireTime)).getTime();
    expect(takenOver - lastRenew).toBeGreaterThanOrEqual(timing.leaseDurationMs);
    expect(takenOver - lastRenew).toBeLessThan(timing.leaseDurationMs * 2 + 2 * 1000);
  });
});
