// Contract-tested (issue 14): with the real control plane and the real Git
// server, a stand-in for GitHub's status API on 127.0.0.1 checks every request
// against GitHub's own description (@octokit/openapi, operation
// repos/create-commit-status). A push gives pending then success on that
// commit; a broken commit gives failure with file:line:col; a restart sends
// nothing for unchanged states; the token is in no log line (debug), status or
// metric.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import { serverUrl } from "../support/api.js";
import { startController, type RunningController } from "../support/controller.js";
import { clients, eventually } from "../support/kube.js";
import { platformFile, systemFiles } from "../support/systems.js";
import { githubCommitStatus, ownedRepo } from "./repo.js";
import { startStandIn, type StandIn } from "./stand-in.js";

const platform = `cs-${randomBytes(3).toString("hex")}`;
const namespace = platform;
const context = `kubefox-gitops/${platform}/branch-main`;
const token = `ghp_${randomBytes(16).toString("hex")}`;

let work: WorkingCopy;
let github: StandIn;
let controller: RunningController;
let args: string[];
let repoName: string;
let repoUrl: string;

/** The statuses GitHub accepted for `commit` in `context`, in order: state and description. */
function accepted(commit: string) {
  return github.requests
    .filter((r) => r.answer === 201 && r.url.endsWith(`/statuses/${commit}`))
    .map(
      (r) => r.json as { state: string; context: string; description: string; target_url?: string },
    )
    .filter((b) => b.context === context);
}

function statusOf(commit: string, state: string, what: string) {
  return eventually(async () => accepted(commit).find((b) => b.state === state), {
    timeoutMs: 60_000,
    what,
  });
}

describe("commit statuses on GitHub", () => {
  beforeAll(async () => {
    const repo = await ownedRepo("statuses");
    work = repo.work;
    repoName = repo.name;
    repoUrl = repo.url;
    const operation = githubCommitStatus();
    github = await startStandIn((r) => operation.check(r));
    args = [
      "--status-api",
      `${repo.host}=github:${github.url}`,
      "--public-url",
      "https://kubefox.example.com",
      "--log-level",
      "debug",
    ];
    await work.commitAndPush(
      { ...systemFiles(), ...platformFile(platform, namespace, ["branch/main"]) },
      "first",
    );
    controller = await startController(repo.url, {
      args,
      env: { KUBEFOX_GITOPS_STATUS_TOKEN: token },
    });
  });

  afterAll(async () => {
    await controller?.stop();
    await github?.close();
    await clients()
      .core.deleteNamespace({ name: namespace })
      .catch(() => undefined);
  });

  it("puts pending, then success, on the pushed commit, each request as GitHub describes it", async () => {
    const commit = await work.git("rev-parse", "HEAD");
    const success = await statusOf(commit, "success", "success on the first commit");
    const states = accepted(commit).map((b) => b.state);
    expect(states[0]).toBe("pending");
    expect(states.at(-1)).toBe("success");
    expect(success).toMatchObject({
      description: `Ready on ${platform}`,
      target_url: `https://kubefox.example.com/#/platform/${platform}/deployment/shop/branch/main`,
    });
    const request = github.requests.find((r) => r.url.endsWith(commit))!;
    expect(request.url).toBe(`/repos/acme/${repoName}/statuses/${commit}`);
    expect(request.headers.authorization).toBe(`Bearer ${token}`);
    expect(github.problems).toEqual([]);
  });

  it("fails a broken commit with the first file:line:col", async () => {
    await work.commitAndPush(
      {
        "apps/store/app.yaml": systemFiles()["apps/store/app.yaml"]!.replace(
          "replicas: 2",
          "replicas: two",
        ),
      },
      "broken",
    );
    const commit = await work.git("rev-parse", "HEAD");
    const failure = await statusOf(commit, "failure", "failure on the broken commit");
    expect(failure.description).toMatch(/^apps\/store\/app\.yaml:\d+:\d+: .*replicas/);
    expect(github.problems).toEqual([]);
  });

  it("sends nothing again after a restart for states that did not change", async () => {
    const broken = await work.git("rev-parse", "HEAD");
    await statusOf(broken, "failure", "failure on the broken commit");
    // What was sent is recorded in the notifications ConfigMap within a second or so.
    await eventually(
      async () => {
        const cm = await clients()
          .core.readNamespacedConfigMap({ name: "kubefox-gitops-notifications", namespace })
          .catch(() => undefined);
        return cm?.data?.["sent.json"]?.includes(broken) ? true : undefined;
      },
      { what: "the sent record" },
    );
    await controller.stop();
    const before = github.requests.length;
    controller = await startController(repoUrl, {
      stateDir: controller.stateDir,
      args,
      env: { KUBEFOX_GITOPS_STATUS_TOKEN: token },
    });
    // Ready once every platform was reconciled after the restart, on the same commit.
    const base = await serverUrl(controller.logs);
    await eventually(async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined), {
      what: "the restarted controller's first reconcile",
    });
    // A new commit in the same context: anything the restart would resend comes before it.
    await work.commitAndPush(systemFiles({ replicas: 3 }), "fixed");
    const fixed = await work.git("rev-parse", "HEAD");
    await statusOf(fixed, "success", "success on the fixed commit");
    const sinceRestart = github.requests.slice(before).map((r) => r.url);
    expect(sinceRestart.filter((u) => !u.endsWith(fixed))).toEqual([]);
    expect(github.problems).toEqual([]);
  });

  it("never shows the token: not in a log line at debug level, the status, or the metrics", async () => {
    const base = await serverUrl(controller.logs);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(
      /kubefox_gitops_notification_deliveries_total\{provider="github",kind="commit-status",result="sent"\} [1-9]/,
    );
    const status = await (await fetch(`${base}/api/kubefox/v0/platform/${platform}`)).text();
    const configMaps = await clients().core.listNamespacedConfigMap({ namespace });
    expect(controller.logs()).toContain('"level":"debug"');
    for (const [what, text] of <[string, string][]>[
      ["logs", controller.logs()],
      ["metrics", metrics],
      ["status API", status],
      ["ConfigMaps", JSON.stringify(configMaps.items)],
    ])
      expect(text.includes(token), `${what} hold the token`).toBe(false);
  });
});
