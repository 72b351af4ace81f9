// Contract-tested (issue 14): every request the controller builds for a commit
// status or an alert is checked against the provider's own published API
// description: GitHub's from @octokit/openapi (operation
// repos/create-commit-status), GitLab's, Gitea's and both Bitbucket ones from
// ../shared/specs (see its SOURCES.md), the chat bodies against
// chat-webhooks.md. No cluster is used; the requests are what the delivery
// queue sends as they are.
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ApiSpec, specsDir, type Operation, type SeenRequest } from "../support/api-spec.js";
import type { CommitStatus } from "../../schemas/notify/commit-status.js";
import { alertTypes, type AlertEventData } from "../../schemas/status/alert-event.js";
import { webhookBodySchema } from "../../schemas/notify/webhook-body.js";
import { statusRequest } from "../../controller/notify/status-request.js";
import { statusTarget, type StatusApiOverride } from "../../controller/notify/status-target.js";
import type { HttpRequest } from "../../controller/notify/http-request.js";
import { severityOf } from "../../controller/notify/alerts.js";
import { slackMessage } from "../../controller/notify/receivers/slack.js";
import { teamsMessage } from "../../controller/notify/receivers/teams.js";
import { genericMessage, signature } from "../../controller/notify/receivers/generic.js";
import { schemaProblems } from "../../schemas/validate.test-support.js";
import { slackBodySchema, teamsBodySchema, teamsMaxBytes } from "./chat-formats.js";

const require = createRequire(import.meta.url);

/** What a server would see of the request: method, path, headers, body. */
function seen(request: HttpRequest): SeenRequest {
  const url = new URL(request.url);
  return {
    method: request.method,
    url: url.pathname + url.search,
    headers: request.headers,
    body: request.body,
  };
}

const commit = "3f1c0a9d2b7e4c5f6a7b8c9d0e1f2a3b4c5d6e7f";
const statuses: CommitStatus[] = [
  {
    repo: "r",
    commit,
    context: "kubefox-gitops/dev/branch-main",
    state: "pending",
    description: "Rolling out on dev",
    ref: "branch/main",
    targetUrl: "https://kubefox.example.com/#/platform/dev/deployment/shop/branch/main",
  },
  {
    repo: "r",
    commit,
    context: "kubefox-gitops/a-platform-with-a-long-name/branch-feature/a-long-branch",
    state: "success",
    description: "Ready on dev",
    ref: "tag/v*",
  },
  {
    repo: "r",
    commit,
    context: "kubefox-gitops/dev/release-prod",
    state: "failure",
    description: "apps/store/app.yaml:9:17: replicas must be integer",
    ref: "tag/v1.0.0",
  },
];

interface ProviderCase {
  name: string;
  repo: string;
  overrides?: StatusApiOverride[];
  spec: () => ApiSpec;
  operation: { path: string; method: string } | { operationId: string };
  /** Data Center's description names Basic auth only: `user:token` (README). */
  token?: string;
}

const cache = new Map<string, ApiSpec>();
const spec = (file: string) => () => {
  if (!cache.has(file)) cache.set(file, ApiSpec.load(file));
  return cache.get(file)!;
};

const providers: ProviderCase[] = [
  {
    name: "GitHub",
    repo: "https://github.com/acme/shop.git",
    spec: spec(require.resolve("@octokit/openapi/generated/api.github.com.json")),
    operation: { operationId: "repos/create-commit-status" },
  },
  {
    name: "GitHub Enterprise Server (scp-like URL)",
    repo: "git@ghe.example.com:acme/shop.git",
    overrides: [{ host: "ghe.example.com", provider: "github" }],
    spec: spec(require.resolve("@octokit/openapi/generated/api.github.com.json")),
    operation: { operationId: "repos/create-commit-status" },
  },
  {
    name: "GitLab (subgroups)",
    repo: "https://gitlab.com/acme/platform/shop.git",
    spec: spec(path.join(specsDir, "gitlab-openapi_v2.yaml")),
    operation: { operationId: "postApiV4ProjectsIdStatusesSha" },
  },
  {
    name: "Gitea / Forgejo",
    repo: "ssh://git@codeberg.org/acme/shop.git",
    spec: spec(path.join(specsDir, "gitea-swagger.json")),
    operation: { operationId: "repoCreateStatus" },
  },
  {
    name: "Bitbucket Cloud",
    repo: "git@bitbucket.org:acme/shop.git",
    spec: spec(path.join(specsDir, "bitbucket-cloud-swagger.v3.json")),
    operation: {
      path: "/repositories/{workspace}/{repo_slug}/commit/{commit}/statuses/build",
      method: "post",
    },
  },
  {
    name: "Bitbucket Data Center",
    repo: "https://bitbucket.example.com/scm/SHOP/shop.git",
    overrides: [{ host: "bitbucket.example.com", provider: "bitbucket-server" }],
    spec: spec(path.join(specsDir, "bitbucket-datacenter-9.2-swagger.v3.json")),
    operation: { operationId: "add" },
    token: "ci-bot:an-http-access-token",
  },
];

describe("commit status requests fit each provider's API description", () => {
  it.each(providers)("$name", (p) => {
    const target = statusTarget(p.repo, p.overrides)!;
    expect(target, "a target").toBeDefined();
    const operation: Operation = p.spec().operation(p.operation);
    for (const s of statuses) {
      const request = statusRequest(target, s, p.token ?? "a-token");
      expect(operation.check(seen(request)), `${s.state} ${s.context}`).toEqual([]);
    }
  });

  it("sends the token only in a header, never in the URL or body", () => {
    for (const p of providers) {
      const target = statusTarget(p.repo, p.overrides)!;
      const request = statusRequest(target, statuses[0]!, "tok-123-secret");
      expect(request.url).not.toContain("tok-123-secret");
      expect(request.body).not.toContain("tok-123-secret");
      expect(Object.values(request.headers).some((v) => v.includes("tok-123-secret"))).toBe(true);
    }
  });

  it("catches a request that does not fit (the validator is not a yes-man)", () => {
    const operation = providers[0]!.spec().operation(providers[0]!.operation);
    const problems = operation.check({
      method: "PUT",
      url: "/repos/acme/statuses/abc",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ state: "fine", target_url: 7 }),
    });
    expect(problems.join("\n")).toMatch(/method PUT/);
    expect(problems.join("\n")).toMatch(/path/);
    expect(problems.join("\n")).toMatch(/body\/state/);
    expect(problems.join("\n")).toMatch(/body\/target_url/);
    const gitlab = providers[2]!.spec().operation(providers[2]!.operation);
    expect(
      gitlab.check({
        method: "POST",
        url: "/api/v4/projects/a%2Fb/statuses/abc",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ state: "failure" }),
      }),
    ).toEqual([
      "no credentials of a kind the description accepts",
      expect.stringMatching(/^body\/state: must be equal to one of the allowed values/),
    ]);
  });
});

function alertOf(type: (typeof alertTypes)[number]): AlertEventData {
  return {
    time: "2026-11-27T20:00:00.000Z",
    type,
    severity: severityOf[type],
    repo: "https://git.example.com/acme/shop.git",
    ...(type === "SourceError"
      ? {}
      : { platform: "dev", system: "shop", ref: "branch/main", commit }),
    message: `a <message> & more for ${type}`,
    ...(type === "SourceError" ? {} : { url: "https://kubefox.example.com/#/platform/dev" }),
  };
}

describe("alert bodies fit each receiver's format", () => {
  it.each(alertTypes)("%s", (type) => {
    const alert = alertOf(type);
    const slack = slackMessage("https://hooks.slack.com/services/T/B/x", alert);
    expect(schemaProblems(slackBodySchema, JSON.parse(slack.body))).toEqual([]);
    expect(slack.headers["content-type"]).toBe("application/json");
    const teams = teamsMessage("https://example.logic.azure.com/workflows/x", alert);
    expect(schemaProblems(teamsBodySchema, JSON.parse(teams.body))).toEqual([]);
    expect(Buffer.byteLength(teams.body)).toBeLessThan(teamsMaxBytes);
    const generic = genericMessage("https://hooks.example.com/x", "s3cret", "team", alert);
    expect(schemaProblems(webhookBodySchema, JSON.parse(generic.body))).toEqual([]);
    expect(generic.headers["x-signature"]).toBe(signature("s3cret", generic.body));
  });
});
