// Contract-tested (issue 14): a Git host that is down, then rate-limits, then
// hangs. The stand-in checks every request against Gitea's own description
// (../shared/specs/gitea-swagger.json, operation repoCreateStatus) and answers
// 500, then 429 with Retry-After, then nothing at all, then 201: the statuses
// of the pushed commit arrive in order once it recovers, and the deployment
// itself was applied meanwhile (a slow host never holds up a reconcile).
import { randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import { ApiSpec } from "../support/api-spec.js";
import {
  deploymentStatus,
  startController,
  type RunningController,
} from "../support/controller.js";
import { clients, eventually } from "../support/kube.js";
import { platformFile, systemFiles } from "../support/systems.js";
import { ownedRepo, specsDir } from "./repo.js";
import { startStandIn, type StandIn } from "./stand-in.js";

const platform = `outage-${randomBytes(3).toString("hex")}`;
const namespace = platform;
const context = `kubefox-gitops/${platform}/branch-main`;

let work: WorkingCopy;
let gitea: StandIn;
let controller: RunningController;

describe("a Git host that is down, rate-limits, then hangs", () => {
  beforeAll(async () => {
    const repo = await ownedRepo("outage");
    work = repo.work;
    const operation = ApiSpec.load(path.join(specsDir, "gitea-swagger.json")).operation({
      operationId: "repoCreateStatus",
    });
    const script = [
      { status: 500 },
      { status: 429, headers: { "retry-after": "1" } },
      "hang" as const,
    ];
    gitea = await startStandIn(
      (r) => operation.check(r),
      () => script.shift() ?? { status: 201 },
    );
    await work.commitAndPush(
      { ...systemFiles(), ...platformFile(platform, namespace, ["branch/main"]) },
      "first",
    );
    controller = await startController(repo.url, {
      args: ["--status-api", `${repo.host}=gitea:${gitea.url}/api/v1`],
      env: { KUBEFOX_GITOPS_STATUS_TOKEN: "gitea-token" },
    });
  });

  afterAll(async () => {
    await controller?.stop();
    await gitea?.close();
    await clients()
      .core.deleteNamespace({ name: namespace })
      .catch(() => undefined);
  });

  it("applies the push while the host fails, then delivers its statuses in order", async () => {
    const commit = await work.git("rev-parse", "HEAD");
    // The deployment is Ready in the cluster whatever the status API does.
    await deploymentStatus(namespace, "branch/main", (d) => d.state === "Ready", "Ready", 60_000);
    await eventually(
      async () =>
        gitea.requests.some(
          (r) => r.answer === 201 && (r.json as { state: string }).state === "success",
        )
          ? true
          : undefined,
      { timeoutMs: 90_000, what: "the success status after the outage" },
    );
    const answered = gitea.requests.map((r) => r.answer);
    expect(answered.slice(0, 3)).toEqual([500, 429, "hang"]);
    const accepted = gitea.requests
      .filter((r) => r.answer === 201)
      .map((r) => ({ url: r.url, ...(r.json as { state: string; context: string }) }));
    // Every pending (Pending, Rolling out) before the one success, all in this context.
    expect(accepted.every((a) => a.context === context)).toBe(true);
    const states = accepted.map((a) => a.state);
    expect(states.at(-1)).toBe("success");
    expect(states.slice(0, -1).length).toBeGreaterThan(0);
    expect(states.slice(0, -1).every((s) => s === "pending")).toBe(true);
    expect(accepted.every((a) => a.url.endsWith(`/statuses/${commit}`))).toBe(true);
    expect(gitea.requests[0]!.headers.authorization).toBe("token gitea-token");
    expect(gitea.problems).toEqual([]);
  });
});
