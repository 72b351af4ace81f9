// The client's answer to an API server that is down: each call retries with
// backoff until one call has given up; from then on calls try once, so a sync
// against a dead cluster fails fast, and the first answer ends it. And its write
// guard: no write goes out while this replica may not write. The peers are
// servers of this test (one resets connections, then answers HTTP; one answers
// every call with an error status): this tests the client's own policies, not
// Kubernetes (test/smoke/cluster-client.test.ts does that).
import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ClusterUnavailableError, NotLeaderError } from "../errors.js";
import { plainConnection } from "./kubeconfig.test-support.js";
import { createLogger } from "../log.js";
import { ClusterClient } from "./client.js";
import { KubeApiError } from "./http.js";

const discovery = JSON.stringify({
  kind: "APIResourceList",
  resources: [{ name: "configmaps", kind: "ConfigMap", namespaced: true }],
});

const log = createLogger({ level: "error" });
let server: net.Server | undefined;
afterEach(() => server?.close());

/** Resets every connection while `down`, else answers every request with `discovery`. */
async function peer() {
  const state = { down: true, connections: 0 };
  server = net.createServer((socket) => {
    state.connections++;
    if (state.down) {
      socket.resetAndDestroy();
      return;
    }
    socket.once("data", () =>
      socket.end(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(discovery)}\r\nconnection: close\r\n\r\n${discovery}`,
      ),
    );
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  const client = new ClusterClient(plainConnection(`http://127.0.0.1:${port}`), {
    log,
    retry: { attempts: 4, baseMs: 5, maxMs: 20 },
  });
  return { state, client };
}

describe("ClusterClient against an API server that is down", () => {
  it("retries one call with backoff, then fails the next ones at once until one is answered", async () => {
    const { state, client } = await peer();
    await expect(client.resource("v1", "ConfigMap")).rejects.toBeInstanceOf(
      ClusterUnavailableError,
    );
    expect(state.connections).toBe(4);
    expect(client.unavailable).toBe(true);

    // Known down: one try each.
    state.connections = 0;
    await expect(client.resource("v1", "ConfigMap")).rejects.toThrow(/discover v1 on http:/);
    await expect(client.resource("v1", "ConfigMap")).rejects.toBeInstanceOf(
      ClusterUnavailableError,
    );
    expect(state.connections).toBe(2);

    // Back: the next call is answered, and the client retries fully again.
    state.down = false;
    expect(await client.resource("v1", "ConfigMap")).toEqual({
      plural: "configmaps",
      namespaced: true,
    });
    expect(client.unavailable).toBe(false);
    client.close();
  });
});

/** Serves discovery of v1; answers every other call with `status` after calling `onCall`. */
async function refusingServer(status: number, onCall: () => void = () => undefined) {
  const calls: string[] = [];
  const http1 = http.createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (path === "/api/v1") {
      res.writeHead(200, { "content-type": "application/json" }).end(discovery);
      return;
    }
    calls.push(`${req.method} ${path}`);
    onCall();
    res.writeHead(status, { "content-type": "application/json" }).end(
      JSON.stringify({
        kind: "Status",
        code: status,
        message: `refused by the test (${status})`,
      }),
    );
  });
  server = http1;
  await new Promise<void>((resolve) => http1.listen(0, "127.0.0.1", resolve));
  return { calls, url: `http://127.0.0.1:${(http1.address() as net.AddressInfo).port}` };
}

const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "y" } };
const configMapRef = { apiVersion: "v1", kind: "ConfigMap", name: "x", namespace: "y" };
const lease = { holderIdentity: "a", leaseDurationSeconds: 15 };

describe("ClusterClient's write guard", () => {
  it("refuses apply, create and delete while mayWrite says no, and lets them through when it says yes", async () => {
    // 403 is not retried: one call out per write let through.
    const { calls, url } = await refusingServer(403);
    let allowed = false;
    const client = new ClusterClient(plainConnection(url), { log, mayWrite: () => allowed });
    expect(client.mayWrite()).toBe(false);
    await expect(client.apply(configMap)).rejects.toBeInstanceOf(NotLeaderError);
    await expect(client.createIfMissing(configMap)).rejects.toThrow(
      "create ConfigMap y/x: not the leader",
    );
    await expect(client.delete(configMapRef)).rejects.toBeInstanceOf(NotLeaderError);
    expect(calls).toEqual([]);
    expect(client.writes).toBe(0);

    allowed = true;
    expect(client.mayWrite()).toBe(true);
    const refused = await client.apply(configMap).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(KubeApiError);
    expect((refused as KubeApiError).statusCode).toBe(403);
    expect(calls).toEqual(["PATCH /api/v1/namespaces/y/configmaps/x"]);
    expect(client.writes).toBe(1);
    client.close();
  });

  it("asks again before each attempt: a write whose retry comes after the answer turned to no is not sent", async () => {
    let allowed = true;
    // 503 is retried; the Lease is lost while the first attempt is out.
    const { calls, url } = await refusingServer(503, () => (allowed = false));
    const client = new ClusterClient(plainConnection(url), {
      log,
      retry: { attempts: 4, baseMs: 5, maxMs: 20 },
      mayWrite: () => allowed,
    });
    await expect(client.apply(configMap)).rejects.toBeInstanceOf(NotLeaderError);
    expect(calls).toEqual(["PATCH /api/v1/namespaces/y/configmaps/x"]);
    // A refusal is no sign of a cluster that is down.
    expect(client.unavailable).toBe(false);
    client.close();
  });

  it("lets a dry-run apply through while mayWrite says no, and does not count it as a write", async () => {
    const { calls, url } = await refusingServer(403);
    const client = new ClusterClient(plainConnection(url), { log, mayWrite: () => false });
    const refused = await client.dryRunApply(configMap).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(KubeApiError);
    expect(calls).toEqual(["PATCH /api/v1/namespaces/y/configmaps/x"]);
    expect(client.writes).toBe(0);
    client.close();
  });

  it("never guards the Lease: taking it is how a replica comes to write", async () => {
    const { calls, url } = await refusingServer(409);
    const client = new ClusterClient(plainConnection(url), { log, mayWrite: () => false });
    // 409: someone else created or changed it first.
    expect(await client.createLease("ops", "gitops", lease)).toBe(false);
    expect(await client.updateLease("ops", "gitops", lease, "7")).toBe(false);
    expect(calls).toEqual([
      "POST /apis/coordination.k8s.io/v1/namespaces/ops/leases",
      "PUT /apis/coordination.k8s.io/v1/namespaces/ops/leases/gitops",
    ]);
    expect(client.writes).toBe(0);
    client.close();
  });

  it("guards a view with its own guard and its parent's, and counts its writes in both (issue 17)", async () => {
    const { calls, url } = await refusingServer(403);
    let parentMay = true;
    let shardHeld = false;
    const parent = new ClusterClient(plainConnection(url), { log, mayWrite: () => parentMay });
    const view = parent.guarded(() => shardHeld);
    await expect(view.apply(configMap)).rejects.toBeInstanceOf(NotLeaderError);
    expect(calls).toEqual([]);
    shardHeld = true;
    await expect(view.apply(configMap)).rejects.toBeInstanceOf(KubeApiError);
    expect([view.writes, parent.writes]).toEqual([1, 1]);
    parentMay = false;
    await expect(view.delete(configMapRef)).rejects.toBeInstanceOf(NotLeaderError);
    expect(calls).toEqual(["PATCH /api/v1/namespaces/y/configmaps/x"]);
    parent.close();
  });
});
