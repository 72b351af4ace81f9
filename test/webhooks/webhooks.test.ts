// Push webhooks (DESIGN §5, issue 6) against the real `kubefox-gitops run`
// with polling switched off (`--poll "0 0 1 1 *"`), so that only a webhook can
// make it fetch: each provider's delivery, signed the way that host signs it,
// brings a pushed commit into the cluster; forged, unsigned, oversized and
// malformed ones are refused and trigger nothing; a burst coalesces.
import { randomBytes } from "node:crypto";
import type { V1Deployment } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import {
  deploymentStatus,
  startController,
  type RunningController,
} from "../support/controller.js";
import { expectDocumented, request, serverUrl, type Reply } from "../support/api.js";
import { createRepoWithClone } from "../support/git.js";
import { clients, eventually } from "../support/kube.js";
import { platformFile, systemFiles } from "../support/systems.js";
import {
  github,
  githubPush,
  otherDeliveries,
  pathOf,
  providerNames,
  pushDelivery,
  sha256Hex,
  type Delivery,
} from "./payloads.js";

const platform = `hooks-${randomBytes(3).toString("hex")}`;
const namespace = platform;
const secret = randomBytes(20).toString("hex");
const web = "shop-branch-main-store-web";

let work: WorkingCopy;
let repoUrl: string;
let controller: RunningController;
let base: string;

async function send(delivery: Delivery, path = pathOf(delivery.provider)): Promise<Reply> {
  const reply = await request(base + path, {
    method: "POST",
    headers: delivery.headers,
    body: delivery.body,
  });
  expectDocumented("/webhooks/{provider}", "post", reply);
  return reply;
}

async function image(): Promise<string | undefined> {
  const d: V1Deployment | undefined = await clients()
    .apps.readNamespacedDeployment({ name: web, namespace })
    .catch(() => undefined);
  return d?.spec?.template.spec?.containers[0]?.image;
}

/** Syncs that fetched: with polling off, only the start and webhooks cause them. */
async function fetchingSyncs(): Promise<number> {
  const text = (await request(`${base}/metrics`)).text;
  return [...text.matchAll(/^kubefox_gitops_syncs_total\{result="\w+",fetch="true"\} (\d+)$/gm)]
    .map((m) => Number(m[1]))
    .reduce((a, b) => a + b, 0);
}

async function idle(): Promise<void> {
  // No fetching sync for a while: whatever was requested has run.
  let last = await fetchingSyncs();
  for (let quiet = 0; quiet < 3;) {
    await new Promise((r) => setTimeout(r, 300));
    const now = await fetchingSyncs();
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
}

let version = 0;
async function pushImage(): Promise<{ id: string; tag: string }> {
  const tag = `ghcr.io/acme/shop-web:2.0.${++version}`;
  const id = await work.commitAndPush(systemFiles({ image: tag, replicas: 1 }), `web ${tag}`);
  return { id, tag };
}

describe("push webhooks", () => {
  beforeAll(async () => {
    const created = await createRepoWithClone("hooks");
    work = created.work;
    repoUrl = created.repo.url;
    await work.commitAndPush(
      { ...systemFiles({ replicas: 1 }), ...platformFile(platform, namespace, ["branch/main"]) },
      "first system",
    );
    controller = await startController(repoUrl, {
      // Once a year: in these tests only webhooks make the controller fetch.
      args: ["--poll", "0 0 1 1 *"],
      env: { KUBEFOX_GITOPS_WEBHOOK_SECRET: secret },
    });
    base = await serverUrl(controller.logs);
    await deploymentStatus(namespace, "branch/main", (d) => d.state === "Ready", "Ready");
  });

  afterAll(async () => {
    await controller?.stop();
    await clients()
      .core.deleteNamespace({ name: namespace })
      .catch(() => undefined);
    await work?.remove();
  });

  it.each(providerNames)(
    "brings a pushed commit into the cluster on a signed %s push",
    async (provider) => {
      const { id, tag } = await pushImage();
      const started = Date.now();
      const reply = await send(pushDelivery(provider, { url: repoUrl, after: id }, secret));
      expect(reply.status).toBe(202);
      expect(reply.body).toEqual({
        message: "sync requested",
        syncId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        matched: 1,
      });
      await eventually(async () => ((await image()) === tag ? true : undefined), {
        what: `${tag} in the cluster`,
        intervalMs: 50,
      });
      const ms = Date.now() - started;
      console.log(`${provider}: push webhook to new image in the cluster in ${ms} ms`);
      expect(ms).toBeLessThan(10_000);
      const syncId = (reply.body as { syncId: string }).syncId;
      expect(controller.logs()).toContain(`"syncId":"${syncId}"`);
    },
  );

  it("matches the repository whatever URL form the payload uses", async () => {
    const { id, tag } = await pushImage();
    const u = new URL(repoUrl);
    // The repository named by its scp-like SSH form, upper-case host, no .git.
    const payload = githubPush({ url: repoUrl, after: id });
    payload.repository.clone_url = `HTTP://${u.host.toUpperCase()}${u.pathname.replace(/\.git$/, "")}`;
    payload.repository.ssh_url = `git@${u.hostname}:${u.pathname.slice(1)}`;
    payload.repository.html_url = "https://example.invalid/other";
    payload.repository.url = payload.repository.html_url;
    payload.repository.git_url = payload.repository.html_url;
    payload.repository.svn_url = payload.repository.html_url;
    const reply = await send(github("push", payload, secret));
    expect(reply.body).toMatchObject({ matched: 1 });
    await eventually(async () => ((await image()) === tag ? true : undefined), { what: tag });
  });

  describe("requests that trigger nothing", () => {
    let tagBefore: string | undefined;
    let pending: { id: string; tag: string };
    let fetchesBefore: number;

    beforeAll(async () => {
      await idle();
      tagBefore = await image();
      // A commit waits in Git: any sync that fetched would bring it in.
      pending = await pushImage();
      fetchesBefore = await fetchingSyncs();
    });

    afterAll(async () => {
      // Nothing came in; a valid push brings the waiting commit.
      expect(await fetchingSyncs()).toBe(fetchesBefore);
      expect(await image()).toBe(tagBefore);
      expect(
        (await send(pushDelivery("github", { url: repoUrl, after: pending.id }, secret))).status,
      ).toBe(202);
      await eventually(async () => ((await image()) === pending.tag ? true : undefined), {
        what: "the waiting commit",
      });
    });

    it.each(providerNames)(
      "refuses a %s push signed with another secret: 401",
      async (provider) => {
        const forged = pushDelivery(
          provider,
          { url: repoUrl, after: pending.id },
          "not-the-secret",
        );
        const reply = await send(forged);
        expect(reply.status).toBe(401);
        expect(reply.body).toEqual({ message: "webhook refused: the signature does not match" });
      },
    );

    it.each(providerNames)("refuses a %s push without its signature: 401", async (provider) => {
      const d = pushDelivery(provider, { url: repoUrl, after: pending.id }, secret);
      const headers = Object.fromEntries(
        Object.entries(d.headers).filter(([k]) => !/signature|token/.test(k)),
      );
      const reply = await send({ ...d, headers });
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({ message: "webhook refused: the signature is missing" });
    });

    it("refuses a correct signature over a changed body: 401", async () => {
      const d = pushDelivery("github", { url: repoUrl, after: pending.id }, secret);
      const reply = await send({
        ...d,
        body: d.body.replace("refs/heads/main", "refs/heads/evil"),
      });
      expect(reply.status).toBe(401);
    });

    it("logs nothing of a refused body", () => {
      const refused = controller
        .logs()
        .split("\n")
        .filter((l) => l.includes('"webhook unauthorized"'));
      expect(refused.length).toBeGreaterThan(10);
      for (const line of refused) {
        expect(line).not.toContain(pending.id);
        expect(line).not.toContain("refs/heads");
        expect(line).not.toContain(new URL(repoUrl).pathname.slice(1));
      }
    });

    it("refuses a signed body over 1 MiB: 413", async () => {
      const payload = {
        ...githubPush({ url: repoUrl, after: pending.id }),
        padding: "x".repeat(1024 * 1024),
      };
      const reply = await send(github("push", payload, secret));
      expect(reply.status).toBe(413);
      expect(reply.body).toEqual({ message: expect.stringMatching(/larger than 1048576 bytes/) });
    });

    it("refuses a signed body that is not JSON: 400", async () => {
      const body = '{"ref": "refs/heads/main", "repository": {';
      const d = github("push", {}, secret);
      const reply = await send({
        ...d,
        body,
        headers: { ...d.headers, "x-hub-signature-256": `sha256=${sha256Hex(secret, body)}` },
      });
      expect(reply.status).toBe(400);
      expect(reply.body).toEqual({ message: expect.stringMatching(/not valid JSON/) });
    });

    it("answers pings and events other than pushes with 200", async () => {
      for (const { what, delivery, status } of otherDeliveries(repoUrl, secret)) {
        const reply = await send(delivery);
        expect(reply.status, what).toBe(status);
      }
    });

    it("answers a push for a repository it does not watch with 202 and does nothing", async () => {
      const other = repoUrl.replace(/hooks-[0-9a-f]+/, "someone-else");
      const reply = await send(pushDelivery("gitlab", { url: other, after: pending.id }, secret));
      expect(reply.status).toBe(202);
      expect(reply.body).toEqual({
        message: expect.stringMatching(/no watched repository/),
        matched: 0,
      });
    });

    it("answers an unknown provider with 404 and a GET with 405", async () => {
      const d = pushDelivery("github", { url: repoUrl, after: pending.id }, secret);
      const unknown = await send(d, "/webhooks/sourceforge");
      expect(unknown.status).toBe(404);
      const get = await request(`${base}/webhooks/github`);
      expect(get.status).toBe(405);
    });

    it("counts every webhook in the metrics by provider and result", async () => {
      const text = (await request(`${base}/metrics`)).text;
      for (const [provider, result] of [
        ["github", "accepted"],
        ["github", "unauthorized"],
        ["github", "too_large"],
        ["github", "bad_request"],
        ["github", "ping"],
        ["github", "ignored"],
        ["gitlab", "unmatched"],
        ["bitbucket", "accepted"],
        ["generic", "unauthorized"],
      ])
        expect(text).toMatch(
          new RegExp(
            `kubefox_gitops_webhook_requests_total\\{provider="${provider}",result="${result}"\\} [1-9]`,
          ),
        );
    });
  });

  it("coalesces a burst of 20 pushes into at most two syncs", async () => {
    await idle();
    const { id, tag } = await pushImage();
    const before = await fetchingSyncs();
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        send(pushDelivery("github", { url: repoUrl, after: id }, secret)),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(202));
    await eventually(async () => ((await image()) === tag ? true : undefined), { what: tag });
    await idle();
    const syncs = (await fetchingSyncs()) - before;
    expect(syncs).toBeGreaterThanOrEqual(1);
    expect(syncs).toBeLessThanOrEqual(2);
  });
});
