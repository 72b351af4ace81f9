// `kubefox-gitops get` (issue 15, item 1) as a user runs it: the real command
// line against the real `kubefox-gitops run` (its status API, with a token)
// and against the cluster alone (the status ConfigMaps), asserting the tables,
// the JSON and the exit codes a script would use.
import { randomBytes } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createShopRepo, type ShopRepo } from "../api/shop-repo.js";
import { serverUrl } from "../support/api.js";
import { startController, storedStatus, type RunningController } from "../support/controller.js";
import { clients, eventually } from "../support/kube.js";
import { systemFiles } from "../support/systems.js";

const platform = `get-${randomBytes(3).toString("hex")}`;
const namespace = platform;
const token = randomBytes(16).toString("hex");

let shop: ShopRepo;
let controller: RunningController;
let base: string;
let tokenFile: string;

/** The real CLI, with nothing of this process's environment that it reads. */
function get(args: string[]) {
  return execa("node", ["--import", "tsx", "controller/cli.ts", "get", ...args], {
    reject: false,
    extendEnv: false,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
  });
}

const server = () => ["--server", base, "--token-file", tokenFile];
const cluster = () => ["--kubeconfig", inject("kubeconfig")];

/** A table's rows as cells (split on the runs of spaces between columns), header first. */
function rows(stdout: string): string[][] {
  return stdout
    .trimEnd()
    .split("\n")
    .map((line) => line.split(/ {2,}/));
}

describe("kubefox-gitops get", () => {
  beforeAll(async () => {
    shop = await createShopRepo("get", platform, namespace);
    const { core } = clients();
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: "shop-db" }, stringData: { password: "x" } },
    });
    const dir = await mkdtemp(path.join(tmpdir(), "kubefox-get-"));
    tokenFile = path.join(dir, "token");
    await writeFile(tokenFile, `${token}\n`);
    controller = await startController(shop.repo.url, { args: ["--api-token-file", tokenFile] });
    base = await serverUrl(controller.logs);
    await eventually(
      async () => {
        const s = await storedStatus(namespace);
        const ready =
          s?.deployments.length === 3 &&
          s.deployments.every((d) => d.state === "Ready") &&
          s.releases?.prod?.active?.commit === shop.tagged;
        return ready ? s : undefined;
      },
      { what: "three deployments Ready and release prod active", timeoutMs: 90_000 },
    );
  });

  afterAll(async () => {
    await controller?.stop();
    await clients()
      .core.deleteNamespace({ name: namespace })
      .catch(() => undefined);
    await shop?.work.remove();
  });

  describe("from the status API (--server)", () => {
    it("lists the platform's deployments as a table: ref, state, short commit, age", async () => {
      const { exitCode, stdout } = await get(["deployments", "--platform", platform, ...server()]);
      expect(exitCode).toBe(0);
      const [header, ...body] = rows(stdout);
      expect(header).toEqual([
        "PLATFORM",
        "REF",
        "ENVIRONMENT",
        "STATE",
        "COMMIT",
        "AGE",
        "MESSAGE",
      ]);
      expect(body.map((r) => r.slice(0, 4))).toEqual([
        [platform, "branch/main", "Ready", shop.head.slice(0, 7)],
        [platform, "tag/v1.0.0", "Ready", shop.tagged.slice(0, 7)],
        [platform, "branch/feature/x", "Ready", shop.head.slice(0, 7)],
      ]);
      for (const r of body) expect(r[4]).toMatch(/^\d+[smhd]$/);
    });

    it("shows a release as JSON, its state and active version from the controller", async () => {
      const { exitCode, stdout } = await get([
        "release",
        "prod",
        "--platform",
        platform,
        "-o",
        "json",
        ...server(),
      ]);
      expect(exitCode).toBe(0);
      const release = JSON.parse(stdout) as {
        environment: string;
        status: { state: string; active: { commit: string } };
      };
      expect(release.environment).toBe("prod");
      expect(release.status.state).toBe("Ready");
      expect(release.status.active.commit).toBe(shop.tagged);
    });

    it("shows a release's history as a table", async () => {
      const { exitCode, stdout } = await get([
        "release",
        "prod",
        "--history",
        "--platform",
        platform,
        ...server(),
      ]);
      expect(exitCode).toBe(0);
      const [header, active] = rows(stdout);
      expect(header).toEqual(["RELEASE", "COMMIT", "REF", "STATUS", "AGE", "ARCHIVED"]);
      expect(active?.slice(1, 4)).toEqual([shop.tagged.slice(0, 7), "tag/v*", "Active"]);
    });

    it("lists platforms and the repository's sync status", async () => {
      const platforms = await get(["platforms", platform, ...server()]);
      expect(platforms.exitCode).toBe(0);
      expect(rows(platforms.stdout)[1]?.slice(0, 5)).toEqual([
        platform,
        namespace,
        "shop",
        "3/3",
        "1/1",
      ]);
      const repos = await get(["repositories", "shop", ...server()]);
      expect(repos.exitCode).toBe(0);
      const [header, row] = rows(repos.stdout);
      expect(header?.slice(0, 5)).toEqual(["SYSTEM", "SOURCE", "BRANCH", "COMMIT", "SYNCED"]);
      expect(row?.slice(2, 5)).toEqual(["main", shop.head.slice(0, 7), "True"]);
    });

    it("exits 1 for a NAME or platform that does not exist", async () => {
      const ref = await get(["deployment", "tag/v9", "--platform", platform, ...server()]);
      expect(ref.exitCode).toBe(1);
      expect(ref.stderr).toContain(`no deployment of ref tag/v9 on platform ${platform}`);
      expect((await get(["releases", "--platform", "nope", ...server()])).exitCode).toBe(1);
    });

    it("exits 2 without the token (401) and when the server is unreachable", async () => {
      const refused = await get(["platforms", "--server", base]);
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr).toContain("401");
      expect(refused.stdout).toBe("");
      const gone = await get(["platforms", "--server", "http://127.0.0.1:9"]);
      expect(gone.exitCode).toBe(2);
      expect(gone.stderr).toContain("cannot reach http://127.0.0.1:9");
      const bad = await get(["pods", ...server()]);
      expect(bad.exitCode).toBe(2);
    });
  });

  describe("from the cluster alone (the status ConfigMaps)", () => {
    it("lists the same deployments", async () => {
      const { exitCode, stdout } = await get(["deployments", "--platform", platform, ...cluster()]);
      expect(exitCode).toBe(0);
      expect(
        rows(stdout)
          .slice(1)
          .map((r) => r.slice(0, 3)),
      ).toEqual([
        [platform, "branch/main", "Ready"],
        [platform, "tag/v1.0.0", "Ready"],
        [platform, "branch/feature/x", "Ready"],
      ]);
    });

    it("shows the release's stored state, and the platform as YAML", async () => {
      const releases = await get(["releases", "--platform", platform, ...cluster()]);
      expect(releases.exitCode).toBe(0);
      expect(rows(releases.stdout)[1]?.slice(0, 5)).toEqual([
        platform,
        "prod",
        "tag/v*",
        "Active",
        shop.tagged.slice(0, 7),
      ]);
      const json = await get(["platform", platform, "-o", "json", ...cluster()]);
      expect(json.exitCode).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ name: platform, namespace, system: "shop" });
    });

    it("exits 1 for an unknown platform, 2 for repositories (a server's only) or a cluster unreachable", async () => {
      expect((await get(["platform", "nope", ...cluster()])).exitCode).toBe(1);
      const repos = await get(["repositories", ...cluster()]);
      expect(repos.exitCode).toBe(2);
      expect(repos.stderr).toContain("give --server URL");
      const dead = path.join(path.dirname(tokenFile), "dead.kubeconfig");
      await writeFile(
        dead,
        [
          "apiVersion: v1",
          "kind: Config",
          "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:9'}}]",
          "users: [{name: u, user: {token: x}}]",
          "contexts: [{name: dead, context: {cluster: c, user: u}}]",
          "current-context: dead",
        ].join("\n"),
      );
      const unreachable = await get(["deployments", "--kubeconfig", dead]);
      expect(unreachable.exitCode).toBe(2);
      expect(unreachable.stderr).toContain(
        "cannot list the status ConfigMaps in https://127.0.0.1:9",
      );
    });
  });

  // Last: each pushes a commit, which the tables above would see.
  describe("--watch", () => {
    it.each([
      ["the events stream of the status API", 2, server],
      ["the ConfigMaps, polled", 3, cluster],
    ])(
      "follows %s: prints again when a push changes a deployment, stops on Ctrl-C",
      async (_, replicas, from) => {
        const watch = get([
          "deployments",
          "branch/main",
          "--platform",
          platform,
          "--watch",
          ...from(),
        ]);
        let out = "";
        watch.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
        await eventually(async () => (out.includes("branch/main") ? true : undefined), {
          what: "the first table",
        });
        const next = await shop.work.commitAndPush(
          systemFiles({ replicas }),
          `${replicas} replicas`,
        );
        await eventually(async () => (out.includes(next.slice(0, 7)) ? true : undefined), {
          what: `a table with ${next.slice(0, 7)}`,
          timeoutMs: 60_000,
        });
        watch.kill("SIGINT");
        expect((await watch).exitCode).toBe(0);
      },
    );
  });
});
