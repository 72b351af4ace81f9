// Contract-tested (issue 14): alerts from Notification files reach a Slack-,
// a Teams- and a signed generic receiver, stand-ins on 127.0.0.1 that check
// each body against chat-webhooks.md's formats (test/notify/chat-formats.ts)
// and our webhook body's schema, and verify the HMAC; release statuses go to a
// GitHub stand-in checked against GitHub's own description. With the real
// control plane and Git server: a push (DeploymentReady), a tag (ReleasePending,
// ReleaseCutOver; pending then success on its commit), a tag that never becomes
// Available (ReleaseDeadlineExceeded; failure on its commit), a broken commit
// (DeploymentFailed). A receiver URL that is not http(s) and a receiver
// answering 404 are reported once and not retried. The other event types
// (Degraded, RolledBack, SourceError) are covered by the tables in
// controller/notify/ and the body checks in requests.test.ts.
import { createHmac, randomBytes } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import { webhookBodySchema } from "../../schemas/notify/webhook-body.js";
import { schemaProblems } from "../../schemas/validate.test-support.js";
import { expectEventDocumented, openEvents, serverUrl, type EventStream } from "../support/api.js";
import { startController, type RunningController } from "../support/controller.js";
import { clients, eventually } from "../support/kube.js";
import { systemFiles } from "../support/systems.js";
import { slackBodySchema, teamsBodySchema } from "./chat-formats.js";
import { githubCommitStatus, ownedRepo } from "./repo.js";
import { startStandIn, type StandIn } from "./stand-in.js";

const platform = `al-${randomBytes(3).toString("hex")}`;
const namespace = platform;
const signingSecret = randomBytes(16).toString("hex");
const badUrl = `ftp://hooks.example.com/${randomBytes(8).toString("hex")}`;

let work: WorkingCopy;
let controller: RunningController;
let github: StandIn;
let slack: StandIn;
let teams: StandIn;
let hook: StandIn;
let refusing: StandIn;
let stream: EventStream;

const notification = (name: string, receiver: string, type: string, extra = "") => ({
  [`notifications/${name}.yaml`]: `apiVersion: kubefox.io/v1alpha1
kind: Notification
metadata: {name: ${name}}
spec:
  receiver: {type: ${type}, name: ${receiver}}
${extra}`,
});

const control = {
  "environments/prod.yaml": `apiVersion: kubefox.io/v1alpha1
kind: Environment
metadata: {name: prod}
spec:
  vars: {region: eu-west-1}
  releasePolicy: {activationDeadlineSeconds: 6}
`,
  [`platforms/${platform}.yaml`]: `apiVersion: kubefox.io/v1alpha1
kind: Platform
metadata: {name: ${platform}}
spec:
  namespace: ${namespace}
  deployments:
    - {ref: branch/main, environment: prod}
  releases:
    - {environment: prod, ref: tag/v*}
`,
  ...notification("slack", "chat-slack", "slack"),
  ...notification("teams", "chat-teams", "teams"),
  ...notification("hook", "hook", "generic", "  severity: info\n"),
  ...notification("broken-url", "nowhere", "slack", "  events: [DeploymentReady]\n"),
  ...notification("refusing", "refusing", "teams", "  events: [DeploymentReady]\n"),
};

/** The alert types a receiver got, read from its body as that receiver shows it. */
const types = {
  slack: () => slack.requests.map((r) => /\*(\w+)\*/.exec((r.json as { text: string }).text)?.[1]),
  teams: () =>
    teams.requests.map(
      (r) =>
        (r.json as { attachments: { content: { body: { text: string }[] } }[] }).attachments[0]!
          .content.body[0]!.text,
    ),
  hook: () => hook.requests.map((r) => (r.json as { alert: { type: string } }).alert.type),
};

function everyReceiverGot(type: string) {
  return eventually(
    async () => (Object.values(types).every((got) => got().includes(type)) ? true : undefined),
    { timeoutMs: 60_000, what: `${type} at every receiver` },
  );
}

const releaseContext = `kubefox-gitops/${platform}/release-prod`;
function releaseStatus(commit: string, state: string) {
  return eventually(
    async () =>
      github.requests.find(
        (r) =>
          r.url.endsWith(`/statuses/${commit}`) &&
          (r.json as { context: string; state: string }).context === releaseContext &&
          (r.json as { state: string }).state === state,
      ),
    { timeoutMs: 60_000, what: `${state} for the release on ${commit.slice(0, 7)}` },
  );
}

async function tag(name: string): Promise<string> {
  await work.tag(name);
  await work.git("push", "--quiet", "origin", name);
  return work.git("rev-parse", "HEAD");
}

describe("alerts to Slack, Teams and a signed webhook; release statuses", () => {
  beforeAll(async () => {
    const repo = await ownedRepo("alerts");
    work = repo.work;
    const operation = githubCommitStatus();
    github = await startStandIn((r) => operation.check(r));
    slack = await startStandIn(
      (r) => schemaProblems(slackBodySchema, JSON.parse(r.body)),
      () => ({
        status: 200,
        body: "ok",
      }),
    );
    teams = await startStandIn(
      (r) => schemaProblems(teamsBodySchema, JSON.parse(r.body)),
      () => ({
        status: 202,
      }),
    );
    hook = await startStandIn(
      (r) => {
        const expected = `sha256=${createHmac("sha256", signingSecret).update(r.body).digest("hex")}`;
        return [
          ...(r.headers["x-signature"] === expected ? [] : ["a wrong X-Signature"]),
          ...schemaProblems(webhookBodySchema, JSON.parse(r.body)),
        ];
      },
      () => ({ status: 204 }),
    );
    refusing = await startStandIn(
      () => [],
      () => ({ status: 404 }),
    );
    const secrets = await mkdtemp(path.join(tmpdir(), "kubefox-receivers-"));
    await writeFile(path.join(secrets, "chat-slack"), `${slack.url}/services/T0/B0/x\n`);
    await writeFile(path.join(secrets, "chat-teams"), `${teams.url}/workflows/x\n`);
    await writeFile(path.join(secrets, "hook"), `${hook.url}/alerts\n${signingSecret}\n`);
    await writeFile(path.join(secrets, "nowhere"), `${badUrl}\n`);
    await work.commitAndPush({ ...systemFiles(), ...control }, "first");
    controller = await startController(repo.url, {
      args: [
        "--status-api",
        `${repo.host}=github:${github.url}`,
        "--notification-secrets-dir",
        secrets,
        "--log-level",
        "debug",
      ],
      env: {
        KUBEFOX_GITOPS_STATUS_TOKEN: "gh-token",
        KUBEFOX_GITOPS_RECEIVER_REFUSING: `${refusing.url}/refuses`,
      },
    });
    stream = await openEvents(`${await serverUrl(controller.logs)}/api/kubefox/v0/events`);
  });

  afterAll(async () => {
    stream?.close();
    await controller?.stop();
    for (const s of [github, slack, teams, hook, refusing]) await s?.close();
    await clients()
      .core.deleteNamespace({ name: namespace })
      .catch(() => undefined);
  });

  it("tells every receiver that the deployment is Ready, and the events stream and Kubernetes Events too", async () => {
    await everyReceiverGot("DeploymentReady");
    const event = await stream.next(
      (e) => e.event === "alert" && (e.data as { type: string }).type === "DeploymentReady",
      "the alert on the events stream",
    );
    expectEventDocumented("AlertEvent", event.data);
    await eventually(
      async () => {
        const events = await clients().core.listNamespacedEvent({ namespace });
        return events.items.some((e) => e.reason === "DeploymentReady") ? true : undefined;
      },
      { what: "a Kubernetes Event DeploymentReady" },
    );
  });

  it("reports a receiver URL that is not http(s) and a receiver answering 404, once each, without retrying", async () => {
    await everyReceiverGot("DeploymentReady");
    await eventually(async () => (refusing.requests.length > 0 ? true : undefined), {
      what: "the refusing receiver's request",
    });
    const errors = () =>
      controller
        .logs()
        .split("\n")
        .filter((l) => l.includes('"msg":"delivery given up"'));
    await eventually(async () => (errors().length >= 2 ? true : undefined), {
      what: "two given-up errors",
    });
    expect(errors().filter((l) => l.includes("receiver nowhere"))).toHaveLength(1);
    expect(errors().find((l) => l.includes("receiver nowhere"))).toContain("not an http(s) URL");
    expect(errors().filter((l) => l.includes("receiver refusing"))).toHaveLength(1);
    expect(errors().find((l) => l.includes("receiver refusing"))).toContain("answered 404");
    expect(refusing.requests).toHaveLength(1);
    expect(controller.logs()).not.toContain(badUrl);
    expect(controller.logs()).not.toContain(refusing.url);
    const metrics = await (await fetch(`${await serverUrl(controller.logs)}/metrics`)).text();
    expect(metrics).toMatch(
      /kubefox_gitops_notification_deliveries_total\{provider="slack",kind="alert",result="given_up"\} 1/,
    );
    expect(metrics).toMatch(
      /kubefox_gitops_notification_deliveries_total\{provider="teams",kind="alert",result="given_up"\} 1/,
    );
  });

  it("a tag: pending, then cut over; the release's commit goes pending then success", async () => {
    const v1 = await tag("v1.0.0");
    await everyReceiverGot("ReleasePending");
    await everyReceiverGot("ReleaseCutOver");
    const pending = await releaseStatus(v1, "pending");
    const success = await releaseStatus(v1, "success");
    expect(github.requests.indexOf(pending)).toBeLessThan(github.requests.indexOf(success));
  });

  it("a tag that never becomes Available: deadline exceeded, and failure on its commit", async () => {
    await work.commitAndPush(
      {
        "apps/store/app.yaml": `${systemFiles()["apps/store/app.yaml"]!}      resources: {requests: {cpu: "64"}}\n`,
      },
      "too big to schedule",
    );
    const v2 = await tag("v1.1.0");
    await everyReceiverGot("ReleaseDeadlineExceeded");
    const failure = await releaseStatus(v2, "failure");
    expect((failure.json as { description: string }).description).toMatch(/deadline/);
  });

  it("a broken commit: DeploymentFailed", async () => {
    await work.commitAndPush(
      {
        "apps/store/app.yaml": systemFiles()["apps/store/app.yaml"]!.replace(
          "replicas: 2",
          "replicas: two",
        ),
      },
      "broken",
    );
    await everyReceiverGot("DeploymentFailed");
    const hookAlert = hook.requests.find(
      (r) => (r.json as { alert: { type: string } }).alert.type === "DeploymentFailed",
    )!.json as { alert: { message: string; severity: string } };
    expect(hookAlert.alert.severity).toBe("error");
    expect(hookAlert.alert.message).toMatch(/apps\/store\/app\.yaml:\d+:\d+/);
  });

  it("every request fit its receiver's format and GitHub's description", () => {
    for (const s of [github, slack, teams, hook]) expect(s.problems).toEqual([]);
  });
});
