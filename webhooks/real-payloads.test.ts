// Webhook payloads as the hosts really send them (issue 16): every push,
// create and delete example GitHub publishes (@octokit/webhooks-examples), and
// captured or documented GitLab, Gitea and Bitbucket payloads kept in
// test/fixtures/webhooks/ (its README says where each came from). Each is
// delivered signed as its host signs it, through the same receiveWebhook the
// server runs, against a controller watching the repository in another form.
import { createHmac } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bitbucket } from "./bitbucket.js";
import { gitea } from "./gitea.js";
import { github } from "./github.js";
import { gitlab } from "./gitlab.js";
import type { Provider } from "./provider.js";
import { receiveWebhook } from "./receive.js";

const secret = "real-payload-secret";
const fixtures = path.resolve(import.meta.dirname, "../test/fixtures/webhooks");
const load = (file: string): string => readFileSync(path.join(fixtures, file), "utf8");
const hmac = (body: string) => createHmac("sha256", secret).update(body).digest("hex");

/** Delivers `body` as `provider` would, to a controller watching `watched`. */
function deliver(
  provider: Provider,
  headers: Record<string, string>,
  body: string,
  watched: string,
) {
  const requested: string[] = [];
  const answer = receiveWebhook(
    provider,
    { headers: { "content-type": "application/json", ...headers }, body: Buffer.from(body) },
    {
      secret,
      repositories: () => [watched],
      requestSync: (matches) => {
        if (matches(watched)) requested.push(watched);
        return requested.length;
      },
      newSyncId: () => "sync-1",
    },
  );
  return { answer, requested, event: provider.parse(headers, JSON.parse(body)) };
}

const githubHeaders = (event: string, body: string) => ({
  "x-github-event": event,
  "x-hub-signature-256": `sha256=${hmac(body)}`,
});

describe("GitHub's own examples (@octokit/webhooks-examples)", () => {
  const require = createRequire(import.meta.url);
  const root = path.dirname(require.resolve("@octokit/webhooks-examples/package.json"));
  const editions = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory());
  const examples: [string, string, Record<string, unknown>][] = [];
  for (const edition of editions) {
    const events = JSON.parse(
      readFileSync(path.join(root, edition.name, "index.json"), "utf8"),
    ) as { name: string; examples: Record<string, unknown>[] }[];
    for (const { name, examples: list } of events) {
      if (["push", "create", "delete"].includes(name))
        list.forEach((ex, i) => examples.push([`${edition.name} ${name} #${i + 1}`, name, ex]));
    }
  }

  it("has push, create and delete examples from every edition", () => {
    expect(editions.length).toBeGreaterThan(1);
    for (const event of ["push", "create", "delete"])
      expect(examples.filter(([, name]) => name === event).length).toBeGreaterThan(editions.length);
  });

  it.each(examples)("%s", (_title, name, example) => {
    const body = JSON.stringify(example);
    const repo = example.repository as { clone_url: string; ssh_url: string; full_name: string };
    // Delivered with every URL form GitHub sends (its SSH form among them).
    const { answer, requested, event } = deliver(
      github,
      githubHeaders(name, body),
      body,
      repo.clone_url,
    );
    if (name === "push") {
      expect(event).toMatchObject({
        kind: "push",
        ref: example.ref,
        commit: example.after,
        repository: repo.full_name,
      });
      expect((event as { cloneUrls: string[] }).cloneUrls).toContain(repo.ssh_url);
      expect(answer.status).toBe(202);
      expect(requested).toEqual([repo.clone_url]);
    } else {
      // A created or deleted branch or tag also comes as a push: one sync, not two.
      expect(event).toEqual({ kind: "ignored", event: name });
      expect(answer.status).toBe(200);
      expect(requested).toEqual([]);
    }
  });
});

describe("GitLab", () => {
  it.each([
    ["gitlab/push-event.json", "Push Hook", "refs/heads/master"],
    ["gitlab/tag-event.json", "Tag Push Hook", "refs/tags/v1.0.0"],
    // A system hook's push names itself by event_name only, without object_kind.
    ["gitlab/system-push-event.json", "System Hook", "refs/heads/master"],
  ])("%s (%s)", (file, header, ref) => {
    const body = load(file);
    const payload = JSON.parse(body) as { project: { git_http_url: string }; checkout_sha: string };
    const { answer, requested, event } = deliver(
      gitlab,
      { "x-gitlab-event": header, "x-gitlab-token": secret },
      body,
      payload.project.git_http_url.replace(/\.git$/, ""),
    );
    expect(event).toMatchObject({ kind: "push", ref, commit: payload.checkout_sha });
    expect(answer.status).toBe(202);
    expect(requested).toHaveLength(1);
  });
});

describe("Gitea", () => {
  it("gitea/push-event.json", () => {
    const body = load("gitea/push-event.json");
    const { answer, requested, event } = deliver(
      gitea,
      { "x-gitea-event": "push", "x-gitea-signature": hmac(body) },
      body,
      "http://localhost:3000/example/example.git",
    );
    expect(event).toMatchObject({
      kind: "push",
      ref: "refs/heads/master",
      commit: "67b56589a45103f891bdee7c0546e5d40bc02001",
      repository: "example/example",
    });
    expect(answer.status).toBe(202);
    expect(requested).toHaveLength(1);
  });
});

const bitbucketHeaders = (event: string, body: string) => ({
  "x-event-key": event,
  "x-hub-signature": `sha256=${hmac(body)}`,
});

describe("Bitbucket Cloud", () => {
  it.each([
    [
      "branch_created.json",
      ["refs/heads/feature/test"],
      "174561d625c9623b60d8aba09b7f08ddc9df45cd",
    ],
    // Deletions: `new` is null, the ref is the old one's, no new commit.
    ["branch_deleted.json", ["refs/heads/feature/test"], undefined],
    ["tag_created.json", ["refs/tags/simple-tag"], "7ef5981d59145c3ed300b1ab77b93907d33abe59"],
    ["tag_deleted.json", ["refs/tags/test"], undefined],
    [
      "annotated_tag_created.json",
      ["refs/tags/test-tag"],
      "7ef5981d59145c3ed300b1ab77b93907d33abe59",
    ],
    [
      "commit_created.json",
      ["refs/heads/feature/issue-819"],
      "5ecffa3874e96920f24a2b3c0d0038e47d5cd1a4",
    ],
    // One push, three refs: every one named.
    [
      "multiple_changes.json",
      ["refs/heads/main", "refs/heads/manchu", "refs/tags/v0.1"],
      "325d37697849f4b1fe42cb19c20134af08e03a82",
    ],
  ])("%s", (file, refs, commit) => {
    const body = load(`bitbucket-cloud/${file}`);
    const fullName = (JSON.parse(body) as { repository: { full_name: string } }).repository
      .full_name;
    // Watched by its clone URL; matching --repo in its SSH forms is match-repo.ts's (issue 16, item 1).
    for (const watched of [
      `https://bitbucket.org/${fullName}.git`,
      `https://bitbucket.org/${fullName}`,
    ]) {
      const { answer, requested, event } = deliver(
        bitbucket,
        bitbucketHeaders("repo:push", body),
        body,
        watched,
      );
      expect(event).toMatchObject({ kind: "push", ref: refs[0], repository: fullName });
      expect((event as { refs?: string[] }).refs).toEqual(refs.length > 1 ? refs : undefined);
      expect((event as { commit?: string }).commit).toBe(commit);
      expect(answer.status, watched).toBe(202);
      expect(requested).toEqual([watched]);
    }
  });

  it("matches a repository by its full name, where the web link is not its page", () => {
    // Atlassian's documented example has an api.bitbucket.org web link.
    const body = load("bitbucket-cloud/repo-push.json");
    const { requested, event } = deliver(
      bitbucket,
      bitbucketHeaders("repo:push", body),
      body,
      "https://bitbucket.org/team_name/repo_name.git",
    );
    expect(event).toMatchObject({ kind: "push", ref: "refs/heads/name-of-branch" });
    expect(requested).toHaveLength(1);
  });

  it("matches a repository by its clone links", () => {
    const payload = JSON.parse(load("bitbucket-cloud/tag_created.json")) as {
      repository: { full_name?: string; links: Record<string, unknown> };
    };
    // As an API repository object has them; without the web link or full name.
    delete payload.repository.full_name;
    payload.repository.links = {
      clone: [
        { name: "https", href: "https://someone@bitbucket.org/acme/deploy.git" },
        { name: "ssh", href: "git@bitbucket.org:acme/deploy.git" },
      ],
    };
    const body = JSON.stringify(payload);
    const { requested } = deliver(
      bitbucket,
      bitbucketHeaders("repo:push", body),
      body,
      "https://bitbucket.org/acme/deploy.git",
    );
    expect(requested).toHaveLength(1);
  });
});

describe("Bitbucket Server / Data Center", () => {
  it.each([
    ["pushPayload.json", "refs/heads/main"],
    ["branch_deleted.json", "refs/heads/feature/BB-1"],
    ["tag_created.json", "refs/tags/simple-tag"],
    ["tag_deleted.json", "refs/tags/simple-tag"],
    ["repo-refs-changed.json", "refs/heads/feature/wip"],
  ])("%s", (file, ref) => {
    const body = load(`bitbucket-server/${file}`);
    const clones = (
      JSON.parse(body) as { repository: { links: { clone: { href: string; name: string }[] } } }
    ).repository.links.clone;
    const http = clones.find((c) => c.href.startsWith("http"))!.href;
    const { answer, requested, event } = deliver(
      bitbucket,
      bitbucketHeaders("repo:refs_changed", body),
      body,
      http,
    );
    expect(event).toMatchObject({ kind: "push", ref });
    expect(answer.status).toBe(202);
    expect(requested).toEqual([http]);
  });
});
