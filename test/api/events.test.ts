// The events stream (issue 6): sync results from the controller's bus and the
// lifecycle of managed pods from the watch cache, as a client sees them on
// GET /api/kubefox/v0/events while a push rolls pods and a person deletes one.
import { randomBytes } from "node:crypto";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import { apiBase } from "../../webhooks/api/types.js";
import {
  deploymentStatus,
  startController,
  type RunningController,
} from "../support/controller.js";
import {
  expectEventDocumented,
  openEvents,
  request,
  serverUrl,
  type EventStream,
} from "../support/api.js";
import { createRepoWithClone } from "../support/git.js";
import { clients, eventually } from "../support/kube.js";
import { platformFile, systemFiles } from "../support/systems.js";

const platform = `events-${randomBytes(3).toString("hex")}`;
const namespace = platform;

let work: WorkingCopy;
let controller: RunningController;
let base: string;
let stream: EventStream;

interface PodData {
  change: string;
  name: string;
  ready: boolean;
  restarts: number;
  platform?: string;
  component?: string;
}

const podEvents = () =>
  stream.events.filter((e) => e.event === "pod").map((e) => e.data as PodData);

async function runningPods(): Promise<string[]> {
  const pods = await clients().core.listNamespacedPod({
    namespace,
    labelSelector: "kubefox.io/component=web",
  });
  return pods.items
    .filter((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"))
    .map((p) => p.metadata!.name!);
}

describe("the events stream", () => {
  beforeAll(async () => {
    const created = await createRepoWithClone("events");
    work = created.work;
    await work.commitAndPush(
      { ...systemFiles({ replicas: 1 }), ...platformFile(platform, namespace, ["branch/main"]) },
      "one replica",
    );
    controller = await startController(created.repo.url);
    base = await serverUrl(controller.logs);
    await deploymentStatus(namespace, "branch/main", (d) => d.state === "Ready", "Ready");
    await eventually(async () => ((await runningPods()).length === 1 ? true : undefined), {
      what: "one ready pod",
    });
    stream = await openEvents(`${base}${apiBase}/events`);
  });

  afterAll(async () => {
    stream?.close();
    await controller?.stop();
    await clients()
      .core.deleteNamespace({ name: namespace })
      .catch(() => undefined);
    await work?.remove();
  });

  it("does not report pods that ran before the stream opened as created", async () => {
    // A sync or two pass on the one-second poll; nothing about pods changes.
    await stream.next((e) => e.event === "sync", "a sync event");
    expect(podEvents()).toEqual([]);
  });

  it("reports the sync and platform results of a push, and the new pod created then ready", async () => {
    const id = await work.commitAndPush(systemFiles({ replicas: 2 }), "two replicas");
    const platformEvent = await stream.next(
      (e) =>
        e.event === "platform" &&
        (e.data as { deployments: { id: string }[] }).deployments.some((d) => d.id === id),
      "a platform event at the new commit",
    );
    expect(platformEvent.data).toMatchObject({
      platform,
      repo: expect.stringContaining("events-"),
      deployments: [{ ref: "branch/main", id }],
    });
    expectEventDocumented("PlatformEvent", platformEvent.data);
    const created = await stream.next(
      (e) => e.event === "pod" && (e.data as PodData).change === "created",
      "a pod created",
    );
    expect(created.data).toMatchObject({
      platform,
      component: "web",
      app: "store",
      ref: "branch/main",
    });
    const name = (created.data as PodData).name;
    const ready = await stream.next(
      (e) =>
        e.event === "pod" &&
        (e.data as PodData).change === "ready" &&
        (e.data as PodData).name === name,
      `${name} ready`,
    );
    expect(ready.data).toMatchObject({ name, ready: true, phase: "Running" });
    for (const e of stream.events) {
      if (e.event === "sync") expectEventDocumented("SyncEvent", e.data);
      if (e.event === "pod") expectEventDocumented("PodEvent", e.data);
    }
    const sync = stream.events.find((e) => e.event === "sync")!.data;
    expect(sync).toMatchObject({
      result: "ok",
      reason: expect.any(String),
      fetch: expect.any(Boolean),
    });
  });

  it("reports a pod deleted by hand, and its replacement created and ready", async () => {
    const [victim] = await eventually(
      async () => {
        const pods = await runningPods();
        return pods.length === 2 ? pods : undefined;
      },
      { what: "two ready pods" },
    );
    await clients().core.deleteNamespacedPod({ name: victim!, namespace, gracePeriodSeconds: 0 });
    await stream.next(
      (e) =>
        e.event === "pod" &&
        (e.data as PodData).change === "deleted" &&
        (e.data as PodData).name === victim,
      `${victim} deleted`,
    );
    const replacement = await stream.next(
      (e) =>
        e.event === "pod" &&
        (e.data as PodData).change === "created" &&
        !podEvents().some((p) => p.change === "deleted" && p.name === (e.data as PodData).name) &&
        stream.events.indexOf(e) >
          stream.events.findIndex((x) => (x.data as PodData).name === victim),
      "a replacement pod created",
    );
    const name = (replacement.data as PodData).name;
    await stream.next(
      (e) =>
        e.event === "pod" &&
        (e.data as PodData).change === "ready" &&
        (e.data as PodData).name === name,
      `${name} ready`,
    );
  });

  it("reports a container restart", async () => {
    const [pod] = await runningPods();
    // What the kubelet reports after a container restarts (KWOK nodes run no containers).
    await execa(
      "kubectl",
      [
        "patch",
        "pod",
        pod!,
        "-n",
        namespace,
        "--subresource=status",
        "--type=json",
        "-p",
        '[{"op":"replace","path":"/status/containerStatuses/0/restartCount","value":1}]',
      ],
      { env: { KUBECONFIG: inject("kubeconfig") } },
    );
    const restarted = await stream.next(
      (e) =>
        e.event === "pod" &&
        (e.data as PodData).change === "restarted" &&
        (e.data as PodData).name === pod,
      `${pod} restarted`,
    );
    expect((restarted.data as PodData).restarts).toBeGreaterThanOrEqual(1);
    expectEventDocumented("PodEvent", restarted.data);
  });

  it("answers POST on the stream with 405", async () => {
    const reply = await request(`${base}${apiBase}/events`, { method: "POST" });
    expect(reply.status).toBe(405);
  });
});
