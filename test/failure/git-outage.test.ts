// The Git server fails under a running controller (issue 8, failure tests):
// answering 500, cutting a fetch short, and down altogether. A Git server of
// this file's own serves the shared root, so its faults touch no other suite,
// and pushes go in through the shared server the whole time ("a push made
// while it was down"). Each time: the status API says what is wrong, the last
// good state keeps running untouched and unpruned, and once the server is back
// (on the same URL) the push made during the outage is deployed.
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startGitServer, type GitServer } from "../../hack/git/server.js";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import { apiBase } from "../../webhooks/api/types.js";
import { request, serverUrl } from "../support/api.js";
import {
  deploymentStatus,
  startController,
  type RunningController,
} from "../support/controller.js";
import { Cleanup, healthy, logRecords, managedObjects } from "../support/failure-helpers.js";
import { createRepoWithClone } from "../support/git.js";
import { clients, eventually } from "../support/kube.js";
import { platformFile, systemFiles } from "../support/systems.js";

const namespace = `gitdown-${randomBytes(3).toString("hex")}`;
const web = "shop-branch-main-store-web";
const cleanup = new Cleanup();

let git: GitServer;
let port: number;
let work: WorkingCopy;
let controller: RunningController;
let base: string;
let version = 0;
/** The commit and image running now. */
let running: { id: string; image: string };

interface RepositoryView {
  source: string;
  lastError?: string;
  lastFetchTime?: string;
}

async function repositoryStatus(): Promise<RepositoryView> {
  const reply = await request(`${base}${apiBase}/system/shop`);
  expect(reply.status, reply.text).toBe(200);
  return (reply.body as { data: { status: { repository: RepositoryView } } }).data.status
    .repository;
}

async function deploymentView(): Promise<{ state: string; id: string; appliedId: string }> {
  const reply = await request(`${base}${apiBase}/platform/p/deployment/shop/branch/main`);
  expect(reply.status, reply.text).toBe(200);
  return (reply.body as { data: { status: { state: string; id: string; appliedId: string } } }).data
    .status;
}

async function image(): Promise<string | undefined> {
  const d = await clients()
    .apps.readNamespacedDeployment({ name: web, namespace })
    .catch(() => undefined);
  return d?.spec?.template.spec?.containers[0]?.image;
}

/** Pushes a new image through the shared Git server, which stays up throughout. */
async function pushImage(
  extra: Record<string, string> = {},
): Promise<{ id: string; image: string }> {
  const tag = `ghcr.io/acme/shop-web:3.0.${++version}`;
  const id = await work.commitAndPush(
    { ...systemFiles({ image: tag, replicas: 1 }), ...extra },
    `web ${tag}`,
  );
  return { id, image: tag };
}

const outages: {
  name: string;
  /** Breaks the server. */
  start: () => Promise<void>;
  /** Mends it, on the same URL. */
  end: () => Promise<void>;
  /** What the repository's lastError says meanwhile. */
  says: RegExp;
  /** More files in the push made during the outage. */
  extra?: Record<string, string>;
}[] = [
  {
    name: "answering 500",
    start: async () => void (git.fault = "error500"),
    end: async () => void (git.fault = "ok"),
    says: /the server answered HTTP 500/,
  },
  {
    name: "cutting a fetch short",
    start: async () => void (git.fault = "cut-short"),
    end: async () => void (git.fault = "ok"),
    // Cut in the list of refs or in the pack, depending on how the server's output is chunked.
    says: /: (the list of refs was cut short|the connection broke in the middle of the server's answer \(ECONNRESET\)|the server sent a damaged pack: .*)$/,
    // Incompressible, so that the pack spans many writes and can be cut in the middle.
    extra: { "notes/noise.txt": randomBytes(256 * 1024).toString("base64") },
  },
  {
    name: "down",
    start: () => git.close(),
    end: async () => {
      // Same root and port: the same URL as before the outage.
      git = await startGitServer({ root: inject("gitRoot"), port });
    },
    says: /cannot reach the server: .*ECONNREFUSED/,
  },
];

describe("the Git server failing under a running controller", () => {
  beforeAll(async () => {
    const created = await createRepoWithClone("gitdown");
    work = created.work;
    cleanup.add(() => work.remove());
    git = await startGitServer({ root: inject("gitRoot") });
    port = Number(new URL(git.url).port);
    cleanup.add(() => git.close());
    running = await pushImage();
    await work.commitAndPush(platformFile("p", namespace, ["branch/main"]), "platform p");
    running.id = await work.git("rev-parse", "HEAD");
    controller = await startController(git.repoUrl(created.repo.name));
    cleanup.add(() => clients().core.deleteNamespace({ name: namespace }));
    cleanup.add(() => rm(controller.stateDir, { recursive: true, force: true }));
    cleanup.add(() => controller.stop());
    base = await serverUrl(controller.logs);
    await deploymentStatus(
      namespace,
      "branch/main",
      (d) => d.state === "Ready" && d.appliedId === running.id,
      "Ready before any outage",
    );
  });

  afterAll(() => cleanup.run());

  it.each(outages)(
    "says so, keeps the last good state running, and deploys the push made meanwhile once the server is back: $name",
    async ({ start, end, says, extra }) => {
      const before = await managedObjects(namespace);
      expect(Object.keys(before).sort()).toEqual(
        [`ConfigMap/${web}`, `Deployment/${web}`, `Service/${web}`].sort(),
      );
      const logsBefore = logRecords(controller.logs()).length;

      await start();
      const pushed = await pushImage(extra);
      const broken = await eventually(
        async () => {
          const repo = await repositoryStatus();
          return repo.lastError && says.test(repo.lastError) ? repo : undefined;
        },
        { what: `the repository's lastError to match ${says}`, timeoutMs: 20_000 },
      );
      expect(broken.lastError).not.toMatch(/\[object Object\]|\{\}/);

      // Through a few more failed polls: the process serves, the last good state runs as it was.
      await eventually(
        async () => {
          const fetchFailures = logRecords(controller.logs())
            .slice(logsBefore)
            .filter((r) => r.msg === "fetch failed; keeping the last good state");
          return fetchFailures.length >= 3 ? true : undefined;
        },
        { what: "three failed fetches in a row", timeoutMs: 20_000 },
      );
      expect(await healthy(base)).toBe(true);
      expect(await image()).toBe(running.image);
      expect(await managedObjects(namespace)).toEqual(before);
      expect(await deploymentView()).toMatchObject({
        state: "Ready",
        id: running.id,
        appliedId: running.id,
      });
      const pruned = logRecords(controller.logs())
        .slice(logsBefore)
        .filter((r) => /prune/i.test(r.msg));
      expect(pruned).toEqual([]);

      // Back on the same URL: the push made during the outage goes out, the error clears.
      await end();
      await eventually(async () => ((await image()) === pushed.image ? true : undefined), {
        what: `${pushed.image} deployed after the outage`,
        timeoutMs: 20_000,
      });
      await eventually(async () => ((await repositoryStatus()).lastError ? undefined : true), {
        what: "the repository's lastError cleared",
      });
      await deploymentStatus(
        namespace,
        "branch/main",
        (d) => d.state === "Ready" && d.appliedId === pushed.id,
        "Ready at the commit pushed during the outage",
      );
      // Rolled forward in place: the same objects, none pruned and made again.
      expect(await managedObjects(namespace)).toEqual(before);
      running = pushed;
    },
  );
});
