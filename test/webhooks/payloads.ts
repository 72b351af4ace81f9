// Webhook deliveries as each Git host sends them: its headers, its payload
// shape (trimmed to the fields that matter, from the hosts' documented push
// events), and its signature computed the way that host computes it. Shared by
// the providers' unit tests and the end-to-end webhook tests.
import { createHmac, randomUUID } from "node:crypto";

export interface Delivery {
  provider: string;
  headers: Record<string, string>;
  body: string;
}

export interface PushFields {
  /** The repository's clone URL over HTTP(S). */
  url: string;
  ref?: string;
  after?: string;
}

const zero = "0".repeat(40);

export function sha256Hex(secret: string, body: string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

/** `host`, `owner/name` and the other URL forms a host derives from an HTTP clone URL. */
function forms(url: string) {
  const u = new URL(url);
  const path = u.pathname.replace(/^\//, "").replace(/\.git$/, "");
  return {
    host: u.hostname,
    path,
    clone: `${u.origin}/${path}.git`,
    web: `${u.origin}/${path}`,
    scp: `git@${u.hostname}:${path}.git`,
    ssh: `ssh://git@${u.hostname}:2222/${path}.git`,
  };
}

function githubRepository(url: string) {
  const f = forms(url);
  return {
    id: 123060978,
    name: f.path.split("/").pop(),
    full_name: f.path,
    private: false,
    html_url: f.web,
    url: f.web,
    git_url: `git://${f.host}/${f.path}.git`,
    ssh_url: f.scp,
    clone_url: f.clone,
    svn_url: f.web,
    default_branch: "main",
  };
}

export function githubPush({ url, ref = "refs/heads/main", after = "a".repeat(40) }: PushFields) {
  return {
    ref,
    before: zero,
    after,
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `${forms(url).web}/compare/000000000000...${after.slice(0, 12)}`,
    commits: [
      {
        id: after,
        message: "deploy",
        timestamp: "2024-05-04T15:40:02Z",
        added: [],
        removed: [],
        modified: ["apps/store/app.yaml"],
      },
    ],
    head_commit: { id: after, message: "deploy" },
    repository: githubRepository(url),
    pusher: { name: "octocat", email: "octocat@example.com" },
    sender: { login: "octocat", id: 1 },
  };
}

export function giteaPush({ url, ref = "refs/heads/main", after = "a".repeat(40) }: PushFields) {
  const f = forms(url);
  return {
    ref,
    before: zero,
    after,
    compare_url: `${f.web}/compare/${zero}...${after}`,
    commits: [{ id: after, message: "deploy\n", url: `${f.web}/commit/${after}` }],
    total_commits: 1,
    repository: {
      id: 1,
      owner: { id: 1, login: "gitea", username: "gitea" },
      name: f.path.split("/").pop(),
      full_name: f.path,
      private: false,
      html_url: f.web,
      ssh_url: f.scp,
      clone_url: f.clone,
      default_branch: "main",
    },
    pusher: { id: 1, login: "gitea", username: "gitea" },
    sender: { id: 1, login: "gitea", username: "gitea" },
  };
}

export function gitlabPush({ url, ref = "refs/heads/main", after = "a".repeat(40) }: PushFields) {
  const f = forms(url);
  const tag = ref.startsWith("refs/tags/");
  return {
    object_kind: tag ? "tag_push" : "push",
    event_name: tag ? "tag_push" : "push",
    before: zero,
    after,
    ref,
    checkout_sha: after,
    user_id: 4,
    user_name: "John Smith",
    user_username: "jsmith",
    project_id: 15,
    project: {
      id: 15,
      name: f.path.split("/").pop(),
      web_url: f.web,
      git_ssh_url: f.ssh,
      git_http_url: f.clone,
      namespace: "group",
      path_with_namespace: f.path,
      default_branch: "main",
      homepage: f.web,
      url: f.ssh,
      ssh_url: f.ssh,
      http_url: f.clone,
    },
    commits: [{ id: after, message: "deploy\n", added: [], modified: [], removed: [] }],
    total_commits_count: 1,
    repository: {
      name: f.path.split("/").pop(),
      url: f.ssh,
      homepage: f.web,
      git_http_url: f.clone,
      git_ssh_url: f.ssh,
      visibility_level: 0,
    },
  };
}

export function bitbucketCloudPush({
  url,
  ref = "refs/heads/main",
  after = "a".repeat(40),
}: PushFields) {
  const f = forms(url);
  const tag = ref.startsWith("refs/tags/");
  const name = ref.replace(/^refs\/(heads|tags)\//, "");
  return {
    actor: { type: "user", display_name: "Jane", nickname: "jane" },
    repository: {
      type: "repository",
      name: f.path.split("/").pop(),
      full_name: f.path,
      scm: "git",
      is_private: true,
      links: {
        self: { href: `https://api.bitbucket.org/2.0/repositories/${f.path}` },
        html: { href: f.web },
      },
    },
    push: {
      changes: [
        {
          new: { type: tag ? "tag" : "branch", name, target: { type: "commit", hash: after } },
          old: null,
          created: true,
          forced: false,
          closed: false,
        },
      ],
    },
  };
}

export function bitbucketServerPush({
  url,
  ref = "refs/heads/main",
  after = "a".repeat(40),
}: PushFields) {
  const f = forms(url);
  return {
    eventKey: "repo:refs_changed",
    date: "2024-06-17T19:37:57+1000",
    actor: { name: "admin", id: 1, slug: "admin", type: "NORMAL" },
    repository: {
      slug: f.path.split("/").pop(),
      id: 84,
      name: f.path.split("/").pop(),
      scmId: "git",
      state: "AVAILABLE",
      project: { key: "PROJ", id: 84, name: "project", type: "NORMAL" },
      links: {
        clone: [
          { href: f.ssh, name: "ssh" },
          { href: f.clone, name: "http" },
        ],
        self: [{ href: `${f.web}/browse` }],
      },
    },
    changes: [
      {
        ref: { id: ref, displayId: ref.replace(/^refs\/(heads|tags)\//, ""), type: "BRANCH" },
        refId: ref,
        fromHash: zero,
        toHash: after,
        type: "UPDATE",
      },
    ],
  };
}

export function genericPush({ url, ref = "refs/heads/main", after = "a".repeat(40) }: PushFields) {
  return { repository: url, ref, commit: after };
}

/** A push delivery from `provider` for the repository at `url`, signed with `secret`. */
export function pushDelivery(provider: string, fields: PushFields, secret: string): Delivery {
  switch (provider) {
    case "github":
      return github("push", githubPush(fields), secret);
    case "gitea":
      return gitea("push", giteaPush(fields), secret);
    case "gitlab":
      return gitlab(
        fields.ref?.startsWith("refs/tags/") ? "Tag Push Hook" : "Push Hook",
        gitlabPush(fields),
        secret,
      );
    case "bitbucket":
      return bitbucket("repo:push", bitbucketCloudPush(fields), secret);
    case "bitbucket-server":
      return bitbucket("repo:refs_changed", bitbucketServerPush(fields), secret);
    case "generic":
      return generic(genericPush(fields), secret);
    default:
      throw new Error(`no such provider ${provider}`);
  }
}

/** GitHub: X-GitHub-Event, and X-Hub-Signature-256 over the exact bytes sent. */
export function github(event: string, payload: unknown, secret: string): Delivery {
  const body = JSON.stringify(payload);
  return {
    provider: "github",
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/044aadd",
      "x-github-event": event,
      "x-github-delivery": randomUUID(),
      "x-github-hook-id": "292430182",
      "x-hub-signature": `sha1=${createHmac("sha1", secret).update(body).digest("hex")}`,
      "x-hub-signature-256": `sha256=${sha256Hex(secret, body)}`,
    },
    body,
  };
}

/** Gitea: the bare digest in X-Gitea-Signature and GitHub's header beside it. */
export function gitea(event: string, payload: unknown, secret: string): Delivery {
  const body = JSON.stringify(payload, null, 2);
  const digest = sha256Hex(secret, body);
  return {
    provider: "gitea",
    headers: {
      "content-type": "application/json",
      "user-agent": "Go-http-client/1.1",
      "x-gitea-event": event,
      "x-gitea-event-type": event,
      "x-gitea-delivery": randomUUID(),
      "x-gitea-signature": digest,
      "x-gogs-event": event,
      "x-gogs-signature": digest,
      "x-github-event": event,
      "x-hub-signature-256": `sha256=${digest}`,
    },
    body,
  };
}

/** GitLab: the secret token itself in X-Gitlab-Token. */
export function gitlab(event: string, payload: unknown, secret: string): Delivery {
  return {
    provider: "gitlab",
    headers: {
      "content-type": "application/json",
      "user-agent": "GitLab/17.0.0",
      "x-gitlab-event": event,
      "x-gitlab-event-uuid": randomUUID(),
      "x-gitlab-instance": "https://gitlab.example.com",
      "x-gitlab-token": secret,
    },
    body: JSON.stringify(payload),
  };
}

/** Bitbucket Cloud and Server: X-Event-Key, and X-Hub-Signature as sha256=<hex>. */
export function bitbucket(event: string, payload: unknown, secret: string): Delivery {
  const body = JSON.stringify(payload);
  return {
    provider: "bitbucket",
    headers: {
      "content-type": "application/json; charset=utf-8",
      "user-agent": "Bitbucket-Webhooks/2.0",
      "x-event-key": event,
      "x-request-uuid": randomUUID(),
      "x-hook-uuid": randomUUID(),
      "x-hub-signature": `sha256=${sha256Hex(secret, body)}`,
    },
    body,
  };
}

/** Generic: X-Signature as sha256=<hex>. */
export function generic(payload: unknown, secret: string): Delivery {
  const body = JSON.stringify(payload);
  return {
    provider: "generic",
    headers: {
      "content-type": "application/json",
      "x-signature": `sha256=${sha256Hex(secret, body)}`,
    },
    body,
  };
}

/** Each provider's "is the hook there?" request, or an event that is not a push. */
export function otherDeliveries(
  url: string,
  secret: string,
): { what: string; delivery: Delivery; status: number }[] {
  return [
    {
      what: "GitHub ping",
      delivery: github(
        "ping",
        { zen: "Keep it logically awesome.", hook_id: 1, repository: githubRepository(url) },
        secret,
      ),
      status: 200,
    },
    {
      what: "GitHub issues event",
      delivery: github("issues", { action: "opened", repository: githubRepository(url) }, secret),
      status: 200,
    },
    {
      what: "Gitea pull_request event",
      delivery: gitea(
        "pull_request",
        { action: "opened", repository: githubRepository(url) },
        secret,
      ),
      status: 200,
    },
    {
      what: "GitLab merge request",
      delivery: gitlab(
        "Merge Request Hook",
        { object_kind: "merge_request", project: { git_http_url: url } },
        secret,
      ),
      status: 200,
    },
    {
      what: "Bitbucket Server test connection",
      delivery: bitbucket("diagnostics:ping", { test: true }, secret),
      status: 200,
    },
    {
      what: "Bitbucket pull request",
      delivery: bitbucket(
        "pullrequest:created",
        { repository: { links: { html: { href: url } } } },
        secret,
      ),
      status: 200,
    },
    { what: "generic ping", delivery: generic({ event: "ping" }, secret), status: 200 },
  ];
}

export const providerNames = [
  "github",
  "gitea",
  "gitlab",
  "bitbucket",
  "bitbucket-server",
  "generic",
] as const;

/** The path a delivery goes to (Bitbucket Server shares Bitbucket's). */
export function pathOf(provider: string): string {
  return `/webhooks/${provider === "bitbucket-server" ? "bitbucket" : provider}`;
}
