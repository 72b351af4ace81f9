// Commit statuses and alerts (issue 14), against a local control plane with
// KWOK nodes and stand-ins for GitHub's status API and a Slack webhook on
// 127.0.0.1, each figure beside its baseline in the same run:
// 1. push → cluster (git push + signed webhook until every Deployment runs the
//    new image) with statuses and alerts on, against the same with them off:
//    the ratio of medians (goal ≤ 1.05).
// 2. push → `success` received by the GitHub stand-in for that commit: p50, p95.
import { createHmac, randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { startCluster } from "../hack/cluster/cluster.js";
import { startGitServer } from "../hack/git/server.js";
import { WorkingCopy } from "../hack/git/working-copy.js";
import { runController, stats, watchImages, type Stats } from "./cluster.js";
import { platformFiles, systemFiles } from "./systems.js";

export interface NotifyBenchResult {
  components: number;
  off: Stats;
  on: Stats;
  /** Median push→cluster with notifications on over off. */
  ratio: number;
  pushToSuccess: Stats;
}

const components = 10;

export async function notifyBench(workDir: string, pushes: number): Promise<NotifyBenchResult> {
  await mkdir(workDir, { recursive: true });
  const cluster = await startCluster({
    name: `bench-notify-${process.pid}`,
    nodes: 2,
    owner: process.pid,
    log: () => undefined,
  });
  const server = await startGitServer({ root: path.join(workDir, "served") });
  // GitHub's status API and a Slack webhook: answer at once, note when each success came.
  const successAt = new Map<string, number>();
  const standIn = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const commit = /\/statuses\/([0-9a-f]{40})$/.exec(req.url ?? "")?.[1];
      if (commit && (JSON.parse(body) as { state: string }).state === "success")
        if (!successAt.has(commit)) successAt.set(commit, performance.now());
      res.writeHead(commit ? 201 : 200).end(commit ? "{}" : "ok");
    });
  });
  await new Promise<void>((resolve) => standIn.listen(0, "127.0.0.1", resolve));
  const standInUrl = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
  try {
    await mkdir(path.join(server.root, "acme"), { recursive: true });
    const url = await server.createRepo("acme/notify");
    const secret = randomBytes(16).toString("hex");
    const secretFile = path.join(workDir, "notify-webhook-secret");
    await writeFile(secretFile, secret);
    const receivers = path.join(workDir, "notify-receivers");
    await mkdir(receivers, { recursive: true });
    await writeFile(path.join(receivers, "chat"), `${standInUrl}/services/T/B/x\n`);
    const work = await WorkingCopy.clone(url);
    const run = async (
      on: boolean,
      first: number,
    ): Promise<{ push: number[]; success: number[] }> => {
      const namespace = `notify-${on ? "on" : "off"}-${randomBytes(3).toString("hex")}`;
      await work.commitAndPush(
        {
          ...systemFiles(components, `bench:${first}`),
          ...platformFiles(namespace),
          "notifications/chat.yaml": on
            ? "apiVersion: kubefox.io/v1alpha1\nkind: Notification\nmetadata: {name: chat}\nspec:\n  receiver: {type: slack, name: chat}\n"
            : null,
        },
        `start ${on ? "on" : "off"}`,
      );
      // One token for every repository, in the controller's environment (it inherits ours).
      if (on) process.env.KUBEFOX_GITOPS_STATUS_TOKEN = "bench-token";
      else delete process.env.KUBEFOX_GITOPS_STATUS_TOKEN;
      const controller = await runController(cluster, workDir, url, [
        "--webhook-secret-file",
        secretFile,
        "--poll",
        "0 0 1 1 *",
        ...(on ? ["--status-api", `${new URL(url).host}=github:${standInUrl}`] : []),
        ...(on ? ["--notification-secrets-dir", receivers] : []),
      ]);
      const watcher = await watchImages(cluster, namespace);
      const api = await controller.url;
      await watcher.until(
        (images) =>
          images.size === components && [...images.values()].every((i) => i === `bench:${first}`),
        60_000,
      );
      const push: number[] = [];
      const success: number[] = [];
      for (let i = first + 1; i <= first + pushes; i++) {
        await work.write(systemFiles(components, `bench:${i}`));
        const commit = await work.commit(`image ${i}`);
        const started = performance.now();
        await work.push();
        const body = JSON.stringify({ repository: url, ref: "refs/heads/main" });
        const signature = createHmac("sha256", secret).update(body).digest("hex");
        await fetch(`${api}/webhooks/generic`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-signature": `sha256=${signature}` },
          body,
        });
        await watcher.until(
          (images) => [...images.values()].every((img) => img === `bench:${i}`),
          30_000,
        );
        push.push(performance.now() - started);
        if (on) {
          const deadline = Date.now() + 60_000;
          while (!successAt.has(commit) && Date.now() < deadline)
            await new Promise((r) => setTimeout(r, 20));
          const at = successAt.get(commit);
          if (at !== undefined) success.push(at - started);
        }
      }
      watcher.stop();
      await controller.stop();
      return { push, success };
    };
    // Blocks in the order off, on, on, off, so that neither side gets the warmer cluster.
    const blocks = [false, true, true, false];
    const off = { push: [] as number[], success: [] as number[] };
    const on = { push: [] as number[], success: [] as number[] };
    for (const [b, isOn] of blocks.entries()) {
      const result = await run(isOn, b * 1000);
      (isOn ? on : off).push.push(...result.push);
      (isOn ? on : off).success.push(...result.success);
    }
    const offStats = stats(off.push);
    const onStats = stats(on.push);
    return {
      components,
      off: offStats,
      on: onStats,
      ratio: onStats.medianMs / offStats.medianMs,
      pushToSuccess: stats(on.success.length > 0 ? on.success : [NaN]),
    };
  } finally {
    standIn.closeAllConnections();
    await new Promise<void>((resolve) => standIn.close(() => resolve()));
    await server.close();
    await cluster.stop();
  }
}

export function formatNotifyBench(r: NotifyBenchResult): string {
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  return [
    `notify (${r.components} components, ${r.on.runs} pushes each, in blocks off, on, on, off):`,
    `  push → cluster, statuses and alerts on   p50 ${ms(r.on.medianMs)}  p95 ${ms(r.on.p95Ms)}`,
    `  push → cluster, off (baseline)           p50 ${ms(r.off.medianMs)}  p95 ${ms(r.off.p95Ms)}`,
    `  ratio on/off (medians)                   ${r.ratio.toFixed(3)}  (goal ≤ 1.05)`,
    `  push → success at the GitHub stand-in    p50 ${ms(r.pushToSuccess.medianMs)}  p95 ${ms(r.pushToSuccess.p95Ms)}`,
  ].join("\n");
}
