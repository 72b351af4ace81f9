// The read-only status API (issue 6), through real HTTP requests to the real
// `kubefox-gitops run` watching a repository on the real Git server. Every
// answer is checked against the OpenAPI document the server serves.
import { randomBytes } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiBase } from "../../webhooks/api/types.js";
import { openApiDocument } from "../../webhooks/openapi.js";
import { startController, type RunningController } from "../support/controller.js";
import {
  checkedAnswers,
  documentedResponses,
  expectDocumented,
  request,
  serverUrl,
  type Reply,
} from "../support/api.js";
import { clients, eventually } from "../support/kube.js";
import { systemFiles } from "../support/systems.js";
import { github, githubPush } from "../webhooks/payloads.js";
import { createShopRepo, type ShopRepo } from "./shop-repo.js";

const platform = `api-${randomBytes(3).toString("hex")}`;
const namespace = platform;
const token = randomBytes(16).toString("hex");
const secretValue = `hunter2-${randomBytes(8).toString("hex")}`;

let shop: ShopRepo;
let controller: RunningController;
let base: string;
/** Every body the API sent, to check that no secret value ever left. */
const seen: string[] = [];

/** GET (or another verb) of an API path, checked against the OpenAPI path `template`. */
async function api(template: string, pathname = template, init: RequestInit = {}): Promise<Reply> {
  const reply = await request(base + apiBase + pathname, { ...init, token });
  seen.push(reply.text);
  expectDocumented(apiBase + template, (init.method ?? "get").toLowerCase(), reply);
  return reply;
}

function data<T = Record<string, unknown>>(reply: Reply): T {
  expect(reply.status, reply.text).toBe(200);
  return (reply.body as { data: T }).data;
}

async function blobId(commit: string, file: string): Promise<string> {
  return shop.work.git("rev-parse", `${commit}:${file}`);
}

describe("the status API", () => {
  beforeAll(async () => {
    shop = await createShopRepo("api", platform, namespace);
    // A branch whose tree is invalid: read, it answers 422 with where.
    await shop.work.git("checkout", "--quiet", "-b", "broken");
    const broken = systemFiles({ replicas: 1 });
    broken["apps/store/app.yaml"] = broken["apps/store/app.yaml"]!.replace(
      "replicas: 1",
      "replicas: two",
    );
    await shop.work.commitAndPush(broken, "broken replicas");
    await shop.work.git("checkout", "--quiet", "main");
    const dir = await mkdtemp(path.join(tmpdir(), "kubefox-token-"));
    await writeFile(path.join(dir, "token"), `${token}\n`);
    // A real Secret the config refers to: its value must never come out of the API.
    const { core } = clients();
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: "shop-db" }, stringData: { password: secretValue } },
    });
    controller = await startController(shop.repo.url, {
      args: ["--api-token-file", path.join(dir, "token")],
    });
    base = await serverUrl(controller.logs);
    await eventually(
      async () => ((await request(`${base}/readyz`)).status === 200 ? true : undefined),
      { what: "/readyz" },
    );
  });

  afterAll(async () => {
    await controller?.stop();
    await clients()
      .core.deleteNamespace({ name: namespace })
      .catch(() => undefined);
    await shop?.work.remove();
    for (const text of seen) expect(text).not.toContain(secretValue);
  });

  describe("probes and auth", () => {
    it("answers /healthz and /readyz without a token", async () => {
      const health = await request(`${base}/healthz`);
      expectDocumented("/healthz", "get", health);
      const ready = await request(`${base}/readyz`);
      expectDocumented("/readyz", "get", ready);
      expect(ready.body).toEqual({ ready: true });
    });

    it.each([
      ["no token", undefined],
      ["a wrong token", "not-the-token"],
      ["a token one character short", "short"],
    ])("refuses %s with 401 on the API and /metrics", async (_what, given) => {
      for (const [template, pathname] of [
        ["/system", "/system"],
        ["/platform/{name}", `/platform/${platform}`],
        ["/openapi.json", "/openapi.json"],
      ]) {
        const reply = await request(
          base + apiBase + pathname!,
          given ? { token: given === "short" ? token.slice(0, -1) : given } : {},
        );
        expect(reply.status).toBe(401);
        expect(reply.headers.get("www-authenticate")).toMatch(/^Bearer/);
        expectDocumented(apiBase + template, "get", reply);
      }
      const metrics = await request(`${base}/metrics`, given ? { token: given } : {});
      expect(metrics.status).toBe(401);
      expectDocumented("/metrics", "get", metrics);
    });

    it("serves /metrics with the token", async () => {
      const reply = await request(`${base}/metrics`, { token });
      expectDocumented("/metrics", "get", reply, "text/plain");
      expect(reply.headers.get("content-type")).toMatch(/^text\/plain/);
      for (const name of [
        "kubefox_gitops_syncs_total",
        "kubefox_gitops_sync_duration_seconds",
        "kubefox_gitops_reconcile_duration_seconds",
        "kubefox_gitops_git_fetch_duration_seconds",
        "kubefox_gitops_api_writes_total",
        "kubefox_gitops_webhook_requests_total",
        "kubefox_gitops_deployments",
        "kubefox_gitops_releases",
      ])
        expect(reply.text).toContain(`# TYPE ${name} `);
      expect(reply.text).toMatch(/kubefox_gitops_syncs_total\{result="ok",fetch="true"\} [1-9]/);
      expect(reply.text).toMatch(
        new RegExp(
          `kubefox_gitops_deployments\\{platform="${platform}",state="(Ready|Progressing)"\\} [1-3]`,
        ),
      );
    });

    it("refuses webhooks with 401 when no webhook secret is configured, whatever they carry", async () => {
      const d = github("push", githubPush({ url: shop.repo.url }), "any-secret");
      const reply = await request(`${base}/webhooks/github`, {
        method: "POST",
        headers: d.headers,
        body: d.body,
      });
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({
        message: expect.stringMatching(/no webhook secret is configured/),
      });
      expectDocumented("/webhooks/{provider}", "post", reply);
    });

    it("serves its OpenAPI document", async () => {
      const reply = await api("/openapi.json");
      expect(reply.body).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
    });
  });

  describe("systems", () => {
    it("lists the system by the name in kubefox.yaml", async () => {
      expect(data(await api("/system"))).toEqual(["shop"]);
    });

    it("shows the system, its repository's sync status and where it runs", async () => {
      const head = data(await api("/system/{name}", "/system/shop"));
      expect(head).toMatchObject({
        kind: "System",
        id: shop.head,
        metadata: { name: "shop", title: "Shop" },
        gitRepo: shop.repo.url,
        gitRef: "branch/main",
        status: {
          repository: {
            source: shop.repo.url,
            controlBranch: "main",
            controlId: shop.head,
            synced: true,
          },
          deployments: [
            `${platform}/branch/main`,
            `${platform}/tag/v1.0.0`,
            `${platform}/branch/feature/x`,
          ],
          releases: [`${platform}/prod`],
        },
      });
      expect(data(await api("/system/{name}/metadata", "/system/shop/metadata"))).toEqual({
        name: "shop",
        title: "Shop",
      });
    });

    it("lists branches, tags and ids", async () => {
      expect(data(await api("/system/{name}/branch", "/system/shop/branch"))).toEqual([
        "broken",
        "feature/x",
        "main",
      ]);
      expect(data(await api("/system/{name}/tag", "/system/shop/tag"))).toEqual(["v1.0.0"]);
      expect(data(await api("/system/{name}/id", "/system/shop/id"))).toEqual(
        expect.arrayContaining([shop.head, shop.tagged]),
      );
    });

    it.each([
      [
        "a branch with a slash, encoded",
        "/system/{name}/branch/{branch}",
        "/system/shop/branch/feature%2Fx",
        "branch/feature/x",
        "head",
      ],
      [
        "a branch with a slash, as it is",
        "/system/{name}/branch/{branch}",
        "/system/shop/branch/feature/x",
        "branch/feature/x",
        "head",
      ],
      ["a tag", "/system/{name}/tag/{tag}", "/system/shop/tag/v1.0.0", "tag/v1.0.0", "tagged"],
    ] as const)("reads the system at %s", async (_what, template, pathname, gitRef, which) => {
      const system = data(await api(template, pathname));
      expect(system).toMatchObject({
        kind: "System",
        id: shop[which],
        gitHash: shop[which].slice(0, 7),
        gitRef,
        metadata: { name: "shop" },
        apps: {
          store: {
            title: "Store",
            components: { web: { image: "ghcr.io/acme/shop-web:1.0.0", replicas: 1 } },
          },
        },
      });
    });

    it("reads the system at an id, given whole or as a unique prefix", async () => {
      for (const id of [shop.tagged, shop.tagged.slice(0, 7)]) {
        const system = data(await api("/system/{name}/id/{id}", `/system/shop/id/${id}`));
        expect(system).toMatchObject({
          id: shop.tagged,
          gitRef: `id/${shop.tagged}`,
          message: "first system",
        });
      }
    });

    it("answers 422 with each problem's file, line and column for a ref whose tree is invalid", async () => {
      const reply = await api("/system/{name}/branch/{branch}", "/system/shop/branch/broken");
      expect(reply.status).toBe(422);
      expect(reply.body).toEqual({
        isError: true,
        code: 422,
        msg: "system shop at branch/broken is invalid",
        validationErrors: [expect.stringMatching(/^apps\/store\/app\.yaml:\d+:\d+: .*replicas/)],
      });
    });

    it.each([
      ["/system/{name}", "/system/nope"],
      ["/system/{name}/metadata", "/system/nope/metadata"],
      ["/system/{name}/branch", "/system/nope/branch"],
      ["/system/{name}/branch/{branch}", "/system/shop/branch/nope"],
      ["/system/{name}/tag/{tag}", "/system/shop/tag/v9.9.9"],
      ["/system/{name}/id/{id}", `/system/shop/id/${"0".repeat(40)}`],
      ["/system/{name}/id/{id}", "/system/shop/id/not-hex"],
    ])("answers 404 with a JSON error for %s (%s)", async (template, pathname) => {
      const reply = await api(template, pathname);
      expect(reply.status).toBe(404);
      expect(reply.body).toMatchObject({
        isError: true,
        code: 404,
        msg: expect.stringMatching(/not found/),
      });
    });
  });

  describe("environments and configs", () => {
    it("lists and reads an environment with its file's blob id on the control branch", async () => {
      expect(data(await api("/environment"))).toEqual(["prod"]);
      const env = data(await api("/environment/{name}", "/environment/prod"));
      expect(env).toEqual({
        kind: "Environment",
        apiVersion: "kubefox.io/v1alpha1",
        id: await blobId(shop.head, "environments/prod.yaml"),
        metadata: { name: "prod" },
        system: "shop",
        gitRef: "branch/main",
        gitHash: shop.head.slice(0, 7),
        config: "prod",
        hostNames: ["shop.example.com"],
        vars: { region: "us-east-1", domain: "shop.example.com" },
        releasePolicy: { activationDeadlineSeconds: 300, historyLimit: 10 },
      });
      expect(data(await api("/environment/{name}/metadata", "/environment/prod/metadata"))).toEqual(
        { name: "prod" },
      );
    });

    it("lists every blob id the file had and reads an older one by id and by tag", async () => {
      const old = await blobId(shop.tagged, "environments/prod.yaml");
      const now = await blobId(shop.head, "environments/prod.yaml");
      expect(old).not.toBe(now);
      expect(
        data<string[]>(await api("/environment/{name}/id", "/environment/prod/id")).sort(),
      ).toEqual([old, now].sort());
      for (const id of [old, old.slice(0, 8)]) {
        const env = data(await api("/environment/{name}/id/{id}", `/environment/prod/id/${id}`));
        expect(env).toMatchObject({
          id: old,
          vars: { region: "eu-west-1" },
          gitHash: shop.tagged.slice(0, 7),
        });
        expect(env).not.toHaveProperty("gitRef");
      }
      expect(data(await api("/environment/{name}/tag", "/environment/prod/tag"))).toEqual([
        "v1.0.0",
      ]);
      expect(
        data(await api("/environment/{name}/tag/{tag}", "/environment/prod/tag/v1.0.0")),
      ).toMatchObject({
        id: old,
        gitRef: "tag/v1.0.0",
        vars: { region: "eu-west-1" },
      });
    });

    it("shows a config's secrets as references only", async () => {
      expect(data(await api("/config"))).toEqual(["prod"]);
      const config = data(await api("/config/{name}", "/config/prod"));
      expect(config).toEqual({
        kind: "Config",
        apiVersion: "kubefox.io/v1alpha1",
        id: await blobId(shop.head, "configs/prod.yaml"),
        metadata: { name: "prod" },
        system: "shop",
        gitRef: "branch/main",
        gitHash: shop.head.slice(0, 7),
        components: { web: { vars: { LOG_LEVEL: "info" } } },
        secrets: { dbPassword: { secretRef: { name: "shop-db", key: "password" } } },
      });
      const id = (config as { id: string }).id;
      expect(data(await api("/config/{name}/id", "/config/prod/id"))).toEqual([id]);
      expect(data(await api("/config/{name}/id/{id}", `/config/prod/id/${id}`))).toMatchObject({
        id,
      });
      expect(data(await api("/config/{name}/metadata", "/config/prod/metadata"))).toEqual({
        name: "prod",
      });
      expect(data(await api("/config/{name}/tag", "/config/prod/tag"))).toEqual(["v1.0.0"]);
      expect(data(await api("/config/{name}/tag/{tag}", "/config/prod/tag/v1.0.0"))).toMatchObject({
        id,
        gitRef: "tag/v1.0.0",
      });
    });

    it.each([
      ["/environment/{name}", "/environment/nope"],
      ["/environment/{name}/id", "/environment/nope/id"],
      ["/environment/{name}/id/{id}", `/environment/prod/id/${"1".repeat(40)}`],
      ["/environment/{name}/tag/{tag}", "/environment/prod/tag/v9"],
      ["/config/{name}", "/config/nope"],
      ["/config/{name}/metadata", "/config/nope/metadata"],
      ["/config/{name}/tag", "/config/nope/tag"],
    ])("answers 404 for %s (%s)", async (template, pathname) => {
      expect((await api(template, pathname)).status).toBe(404);
    });
  });

  describe("platforms", () => {
    it("shows the platform file and every deployment's status", async () => {
      expect(data(await api("/platform"))).toEqual([platform]);
      const p = await eventually(
        async () => {
          const reply = await api("/platform/{name}", `/platform/${platform}`);
          const body = data<{ status: { healthy: boolean } }>(reply);
          return body.status.healthy ? body : undefined;
        },
        { what: "every deployment Ready" },
      );
      expect(p).toMatchObject({
        kind: "Platform",
        id: await blobId(shop.head, `platforms/${platform}.yaml`),
        metadata: { name: platform },
        system: "shop",
        namespace,
        deployments: [{ ref: "branch/main" }, { ref: "tag/v1.0.0" }, { ref: "branch/feature/x" }],
        releases: [{ environment: "prod", ref: "tag/v*" }],
        status: {
          healthy: true,
          deployments: [
            {
              kind: "Deployment",
              platform,
              system: "shop",
              ref: "branch/main",
              status: { ready: true, state: "Ready", id: shop.head },
            },
            { ref: "tag/v1.0.0", status: { state: "Ready", id: shop.tagged } },
            { ref: "branch/feature/x", status: { state: "Ready", id: shop.head } },
          ],
          releases: [
            { kind: "Release", platform, system: "shop", environment: "prod", ref: "tag/v*" },
          ],
        },
      });
      expect(
        data(await api("/platform/{name}/metadata", `/platform/${platform}/metadata`)),
      ).toEqual({ name: platform });
    });

    it("lists deployments and reads one, a branch with a slash as one encoded segment", async () => {
      expect(
        data(await api("/platform/{name}/deployment", `/platform/${platform}/deployment`)),
      ).toEqual(["shop/branch/main", "shop/tag/v1.0.0", "shop/branch/feature/x"]);
      for (const [pathname, ref] of [
        [`/platform/${platform}/deployment/shop/branch/main`, "branch/main"],
        [`/platform/${platform}/deployment/shop/tag/v1.0.0`, "tag/v1.0.0"],
        [`/platform/${platform}/deployment/shop/branch/feature%2Fx`, "branch/feature/x"],
      ]) {
        const d = data(await api("/platform/{name}/deployment/{system}/{refType}/{ref}", pathname));
        expect(d).toMatchObject({
          kind: "Deployment",
          ref,
          system: "shop",
          status: { components: [{ app: "store", component: "web" }] },
        });
      }
    });

    it("lists releases and reads one", async () => {
      expect(data(await api("/platform/{name}/release", `/platform/${platform}/release`))).toEqual([
        "shop/prod",
      ]);
      expect(
        data(
          await api(
            "/platform/{name}/release/{system}/{environment}",
            `/platform/${platform}/release/shop/prod`,
          ),
        ),
      ).toMatchObject({ kind: "Release", environment: "prod", ref: "tag/v*" });
    });

    it("shows the topology: apps, components and the objects behind each, from the watch cache", async () => {
      const topology = await eventually(
        async () => {
          const t = data<{
            apps: {
              components: {
                deployments: { ref: string; replicaSets: { pods: { ready: boolean }[] }[] }[];
              }[];
            }[];
          }>(await api("/platform/{name}/topology", `/platform/${platform}/topology`));
          // Those of the three deployments (the release of prod runs beside them).
          const deployments = (t.apps[0]?.components[0]?.deployments ?? []).filter((d) =>
            ["branch/main", "tag/v1.0.0", "branch/feature/x"].includes(d.ref),
          );
          const pods = deployments.flatMap((d) => d.replicaSets.flatMap((rs) => rs.pods));
          return deployments.length === 3 && pods.length === 3 && pods.every((p) => p.ready)
            ? t
            : undefined;
        },
        { what: "three deployments with a ready pod each" },
      );
      expect(topology).toMatchObject({
        kind: "Topology",
        platform,
        namespace,
        system: "shop",
        apps: [
          {
            name: "store",
            components: [
              {
                name: "web",
                deployments: expect.arrayContaining([
                  expect.objectContaining({
                    ref: "branch/main",
                    commit: shop.head,
                    state: "Ready",
                    replicas: "1/1",
                    replicaSets: [
                      expect.objectContaining({
                        revision: "1",
                        pods: [
                          expect.objectContaining({ phase: "Running", ready: true, restarts: 0 }),
                        ],
                      }),
                    ],
                  }),
                ]),
                services: expect.arrayContaining([
                  expect.objectContaining({
                    type: "ClusterIP",
                    ports: [{ name: "http", port: 8080 }],
                  }),
                ]),
              },
            ],
          },
        ],
      });
    });

    it.each([
      ["/platform/{name}", "/platform/nope"],
      ["/platform/{name}/metadata", "/platform/nope/metadata"],
      ["/platform/{name}/topology", "/platform/nope/topology"],
      ["/platform/{name}/deployment", "/platform/nope/deployment"],
      [
        "/platform/{name}/deployment/{system}/{refType}/{ref}",
        `/platform/${platform}/deployment/shop/branch/nope`,
      ],
      [
        "/platform/{name}/deployment/{system}/{refType}/{ref}",
        `/platform/${platform}/deployment/other/branch/main`,
      ],
      [
        "/platform/{name}/deployment/{system}/{refType}/{ref}",
        `/platform/${platform}/deployment/shop/sha/main`,
      ],
      ["/platform/{name}/release", "/platform/nope/release"],
      [
        "/platform/{name}/release/{system}/{environment}",
        `/platform/${platform}/release/shop/staging`,
      ],
    ])("answers 404 for %s (%s)", async (template, pathname) => {
      const reply = await api(template, pathname);
      expect(reply.status).toBe(404);
      expect(reply.body).toMatchObject({ isError: true, code: 404 });
    });
  });

  describe("read-only", () => {
    it.each(["POST", "PUT", "PATCH", "DELETE"])(
      "answers %s with 405: changes go through Git",
      async (method) => {
        for (const [template, pathname] of [
          ["/system/{name}", "/system/shop"],
          ["/system/{name}/branch/{branch}", "/system/shop/branch/main"],
          ["/environment/{name}", "/environment/prod"],
          ["/config/{name}/metadata", "/config/prod/metadata"],
          ["/platform/{name}", `/platform/${platform}`],
          ["/platform/{name}/deployment", `/platform/${platform}/deployment`],
          [
            "/platform/{name}/deployment/{system}/{refType}/{ref}",
            `/platform/${platform}/deployment/shop/branch/main`,
          ],
          [
            "/platform/{name}/release/{system}/{environment}",
            `/platform/${platform}/release/shop/prod`,
          ],
        ]) {
          const reply = await api(template!, pathname, {
            method,
            headers: { "content-type": "application/json" },
            body: method === "DELETE" ? null : JSON.stringify({ metadata: { name: "x" } }),
          });
          expect(reply.status).toBe(405);
          expect(reply.headers.get("allow")).toBe("GET, HEAD");
          expect(reply.body).toMatchObject({
            isError: true,
            code: 405,
            msg: expect.stringMatching(/changes go through Git/),
          });
        }
      },
    );

    it("answers every write verb on every documented API path with 405", async () => {
      const paths = documentedResponses()
        .filter((r) => r.path.startsWith(apiBase) && r.status === "405")
        .map((r) => [r.method.toUpperCase(), r.path.slice(apiBase.length)] as const);
      expect(paths.length).toBeGreaterThan(100);
      for (const [method, template] of paths) {
        const reply = await api(template, template.replace(/\{\w+\}/g, "x"), { method });
        expect(reply.status, `${method} ${template}`).toBe(405);
      }
    });

    it("answers an unknown name on every documented path with a JSON 404", async () => {
      const templates = documentedResponses()
        .filter((r) => r.path.startsWith(apiBase) && r.method === "get" && r.status === "404")
        .map((r) => r.path.slice(apiBase.length));
      for (const template of templates) {
        const reply = await api(template, template.replace(/\{\w+\}/g, "nope"));
        expect(reply.status, template).toBe(404);
        expect(reply.body).toMatchObject({
          isError: true,
          code: 404,
          msg: expect.stringMatching(/not found/),
        });
      }
    });

    it("answers an unknown API path with a JSON 404", async () => {
      const reply = await request(`${base}${apiBase}/nothing/here`, { token });
      expect(reply.status).toBe(404);
      expect(reply.body).toMatchObject({ isError: true, code: 404 });
    });
  });

  it("checked a real 200 answer of every documented GET against the document", () => {
    const gets = documentedResponses().filter(
      (r) => r.path.startsWith(apiBase) && r.method === "get" && r.status === "200",
    );
    const missed = gets
      .filter((r) => r.path !== `${apiBase}/events`) // test/api/events.test.ts
      .filter((r) => !checkedAnswers.has(`get ${r.path} 200`))
      .map((r) => r.path);
    expect(missed).toEqual([]);
  });

  it("left nothing of the Secret's value in any answer", () => {
    expect(seen.length).toBeGreaterThan(50);
    for (const text of seen) expect(text).not.toContain(secretValue);
  });
});
