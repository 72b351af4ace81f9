// Many repositories (issue 17): twenty repositories with two platforms each,
// fetched and reconciled independently. Nineteen are on the real Git server;
// the twentieth is on a server that takes connections and never answers, so
// its fetches hang until the source's timeout. The real controller runs all
// twenty; while the stuck repository has not finished a single fetch, the
// others deploy, and a push to one of them is deployed too.
import { randomBytes } from "node:crypto";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import { serverUrl } from "../support/api.js";
import {
  deploymentStatus,
  startController,
  type RunningController,
} from "../support/controller.js";
import { mapLimited } from "../support/failure-helpers.js";
import { createRepoWithClone } from "../support/git.js";
import { clients } from "../support/kube.js";
import { systemFiles } from "../support/systems.js";

const tag = randomBytes(3).toString("hex");
const repositories = 19;
const namespaces = (r: number) => [0, 1].map((p) => `many-${tag}-${r}-${p}`);

function platformFiles(r: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [p, namespace] of namespaces(r).entries()) {
    files[`platforms/r${r}p${p}.yaml`] = `apiVersion: kubefox.io/v1alpha1
kind: Platform
metadata: {name: r${r}p${p}}
spec:
  namespace: ${namespace}
  deployments:
    - ref: branch/main
`;
  }
  return files;
}

/** Takes every connection and never answers; counts the requests it holds. */
function hangingServer(): Promise<{ url: string; held: () => number; close: () => void }> {
  const sockets = new Set<net.Socket>();
  let held = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once("data", () => held++);
    socket.on("close", () => sockets.delete(socket));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/stuck.git`,
        held: () => held,
        close: () => {
          for (const s of sockets) s.destroy();
          server.close();
        },
      });
    }),
  );
}

let stuck: Awaited<ReturnType<typeof hangingServer>>;
let controller: RunningController;
const works: WorkingCopy[] = [];
const heads: string[] = [];

/** Log lines saying a sync of the stuck repository finished (with or without an error). */
function stuckSyncsFinished(): string[] {
  return controller
    .logs()
    .split("\n")
    .filter((l) => l.includes('"sync finished') && l.includes("stuck.git"));
}

describe("twenty repositories, one on a server that hangs", () => {
  beforeAll(async () => {
    stuck = await hangingServer();
    const urls = await mapLimited([...Array(repositories).keys()], 4, async (r) => {
      const { repo, work } = await createRepoWithClone(`many-${r}`);
      works[r] = work;
      heads[r] = await work.commitAndPush(
        { ...systemFiles({ system: `many${r}`, replicas: 1 }), ...platformFiles(r) },
        "two platforms",
      );
      return repo.url;
    });
    // The stuck one before eighteen others: a controller that fetched in order would wait on it.
    const args = [stuck.url, ...urls.slice(1)].flatMap((u) => ["--repo", u]);
    controller = await startController(urls[0]!, { args });
    await serverUrl(controller.logs);
  });

  afterAll(async () => {
    await controller?.stop();
    stuck?.close();
    await mapLimited(
      [...Array(repositories).keys()].flatMap(namespaces),
      8,
      (name) =>
        clients()
          .core.deleteNamespace({ name })
          .catch(() => undefined) as Promise<unknown>,
    );
    await Promise.all(works.map((w) => w.remove()));
  });

  it("deploys every other repository while the stuck one has not finished a fetch", async () => {
    await mapLimited([...Array(repositories).keys()], 4, async (r) => {
      for (const namespace of namespaces(r))
        await deploymentStatus(
          namespace,
          "branch/main",
          (d) => d.appliedId === heads[r],
          `repository ${r} applied in ${namespace}`,
          90_000,
        );
    });
    // Its fetch was asked for and is still unanswered: it held up nobody.
    expect(stuck.held()).toBeGreaterThan(0);
    expect(stuckSyncsFinished()).toEqual([]);
  });

  it("deploys a push to another repository while the stuck one still hangs", async () => {
    const r = 7;
    heads[r] = await works[r]!.commitAndPush(
      systemFiles({ system: `many${r}`, replicas: 1, image: "ghcr.io/acme/shop-web:7.0.0" }),
      "new image",
    );
    for (const namespace of namespaces(r))
      await deploymentStatus(
        namespace,
        "branch/main",
        (d) => d.appliedId === heads[r],
        `the push applied in ${namespace}`,
      );
    // The stuck repository's server has answered nothing: its first sync has not finished.
    expect(stuckSyncsFinished()).toEqual([]);
  });
});
