// The client's answer to an API server that is down: each call retries with
// backoff until one call has given up; from then on calls try once, so a sync
// against a dead cluster fails fast, and the first answer ends it. The peer is a
// TCP server of this test that resets connections, then answers HTTP: this tests
// the retry policy, not Kubernetes (test/smoke/cluster-client.test.ts does that).
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ClusterUnavailableError } from "../errors.js";
import { plainConnection } from "./kubeconfig.test-support.js";
import { createLogger } from "../log.js";
import { ClusterClient } from "./client.js";

const discovery = JSON.stringify({
  kind: "APIResourceList",
  resources: [{ name: "configmaps", kind: "ConfigMap", namespaced: true }],
});

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
    log: createLogger({ level: "error" }),
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
