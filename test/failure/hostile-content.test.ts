// Hostile repository content pushed to a deployed branch (issue 8, failure
// tests), one case per commit: invalid YAML, a schema violation, a 10 MB file,
// an alias bomb, a symlink out of the tree, bytes that are not UTF-8, and refs
// whose names are shell code. Each is a clear error on that ref (file, line and
// column where there is one); nothing is torn down, no other deployment moves,
// the process stays up and serving, and no shell ever runs what a name says.
import { randomBytes } from "node:crypto";
import { readdir, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import { apiBase } from "../../webhooks/api/types.js";
import { request, serverUrl } from "../support/api.js";
import {
  deploymentStatus,
  startController,
  type RunningController,
} from "../support/controller.js";
import { Cleanup, healthy, managedObjects } from "../support/failure-helpers.js";
import { createRepoWithClone } from "../support/git.js";
import { clients, eventually } from "../support/kube.js";
import { platformFile, systemFiles } from "../support/systems.js";

const namespace = `hostile-${randomBytes(3).toString("hex")}`;
const cleanup = new Cleanup();
/** What a shell would create if it ever ran one of the ref names below. */
const marker = `pwned-${randomBytes(4).toString("hex")}`;
const app = "apps/store/app.yaml";

let work: WorkingCopy;
let controller: RunningController;
let base: string;
/** The good commit of branch `app`, and of `main`. */
let good: string;
let mainId: string;
/** Every object of ours in the namespace once both branches ran: kind/name → uid. */
let deployed: Record<string, string>;

async function imageOf(deployment: string): Promise<string | undefined> {
  const d = await clients()
    .apps.readNamespacedDeployment({ name: deployment, namespace })
    .catch(() => undefined);
  return d?.spec?.template.spec?.containers[0]?.image;
}

/** app.yaml of the good tree with `change` applied to its text. */
function appYaml(change: (text: string) => string = (t) => t): string {
  return change(systemFiles()[app]!);
}

/** Files named `marker` (what `touch` or `>` would make) anywhere a shell started by the controller or Git could have written. */
async function markerFiles(stateDir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.name === marker) found.push(full);
      if (e.isDirectory() && depth > 0 && !["node_modules", ".git"].includes(e.name))
        await walk(full, depth - 1);
    }
  };
  for (const [dir, depth] of [
    [process.cwd(), 4],
    [stateDir, 8],
    [inject("gitRoot"), 8],
    [work.dir, 8],
    [os.tmpdir(), 1],
    [os.homedir(), 1],
    ["/", 0],
  ] as const) {
    await walk(dir, depth);
  }
  return found;
}

interface Hostile {
  name: string;
  /** Turns the good working tree into the hostile one. */
  make: () => Promise<void>;
  /** The deployment's lastError, exactly. */
  error: string | RegExp;
}

const cases: Hostile[] = [
  {
    name: "invalid YAML",
    make: () =>
      work.write({
        [app]: appYaml((t) => t.replace("containerPort: 8080}]", "containerPort: 8080}")),
      }),
    error: `${app}:10:14: this [ starts a list that is never closed with ] (the YAML parser noticed at line 11, column 7)`,
  },
  {
    name: "a schema violation",
    make: () => work.write({ [app]: appYaml((t) => t.replace("replicas: 2", "replicas: two")) }),
    error: `${app}:9:17: spec.components.web.replicas must be an integer, got "two"`,
  },
  {
    name: "a 10 MB file",
    // Incompressible: the pack really carries 10 MB.
    make: () =>
      work.write({
        [app]: appYaml(
          (t) => `${t}# ${randomBytes((10 * 1024 * 1024 * 3) / 4).toString("base64")}\n`,
        ),
      }),
    error: new RegExp(
      `^${app}:1:1: is 1\\d{7} bytes; files of more than 1048576 bytes are not read$`,
    ),
  },
  {
    name: "an alias bomb",
    make: () =>
      work.write({
        [app]: appYaml(
          (t) =>
            `${t}x0: &x0 [a, a, a, a, a, a, a, a, a]\n` +
            Array.from(
              { length: 9 },
              (_, i) => `x${i + 1}: &x${i + 1} [${Array(9).fill(`*x${i}`).join(", ")}]\n`,
            ).join(""),
        ),
      }),
    error: `${app}:1:1: expands aliases more than 100 times; aliases are limited to stop alias bombs`,
  },
  {
    name: "a symlink out of the tree",
    make: async () => {
      const file = path.join(work.dir, app);
      await rm(file);
      await symlink("../../../../../../../../../etc/passwd", file);
    },
    error: `${app}:1:1: is a symbolic link, and links are not followed; expected a file`,
  },
  {
    name: "bytes that are not UTF-8",
    // "Café" in Latin-1: the é is the single byte 0xE9.
    make: () =>
      writeFile(
        path.join(work.dir, app),
        Buffer.from(
          appYaml((t) => t.replace("title: Store", 'title: "Caf\xe9"')),
          "latin1",
        ),
      ),
    error: `${app}:5:14: is not UTF-8 text`,
  },
];

describe("hostile content pushed to a deployed branch", () => {
  beforeAll(async () => {
    const created = await createRepoWithClone("hostile");
    work = created.work;
    cleanup.add(() => work.remove());
    mainId = await work.commitAndPush(
      {
        ...systemFiles({ image: "ghcr.io/acme/shop-web:main" }),
        ...platformFile("p", namespace, ["branch/main", "branch/app"]),
      },
      "main and app",
    );
    await work.git("checkout", "--quiet", "-b", "app");
    good = await work.commitAndPush(systemFiles(), "app: the good tree");
    controller = await startController(created.repo.url);
    cleanup.add(() => clients().core.deleteNamespace({ name: namespace }));
    cleanup.add(() => rm(controller.stateDir, { recursive: true, force: true }));
    cleanup.add(() => controller.stop());
    base = await serverUrl(controller.logs);
    for (const [ref, id] of [
      ["branch/main", mainId],
      ["branch/app", good],
    ] as const) {
      await deploymentStatus(namespace, ref, (d) => d.state === "Ready" && d.id === id, ref);
    }
    deployed = await managedObjects(namespace);
    expect(Object.keys(deployed)).toHaveLength(6);
  });

  afterAll(() => cleanup.run());

  it.each(cases)(
    "fails that ref alone with a clear error and keeps everything running: $name",
    async ({ make, error }) => {
      // From the good tree each time, as a new commit on top of the last one.
      await work.git("read-tree", "-u", "--reset", good);
      await make();
      const id = await work.commit("hostile");
      await work.push();

      const failed = await deploymentStatus(
        namespace,
        "branch/app",
        (d) => d.id === id && d.state === "Failed",
        "branch/app Failed at the hostile commit",
      );
      expect(failed.lastErrorCode).toBe("ValidationFailed");
      if (typeof error === "string") expect(failed.lastError).toBe(error);
      else expect(failed.lastError).toMatch(error);
      // What ran before keeps running: same commit, same objects, nothing pruned or redone.
      expect(failed.appliedId).toBe(good);
      expect(failed.inventory.length).toBe(3);
      expect(await managedObjects(namespace)).toEqual(deployed);
      expect(await imageOf("shop-branch-app-store-web")).toBe("ghcr.io/acme/shop-web:1.0.0");
      const main = await deploymentStatus(namespace, "branch/main", () => true, "main's status");
      expect(main).toMatchObject({ state: "Ready", appliedId: mainId });
      // The status API says the same, and the process is alive and serving.
      const reply = await request(`${base}${apiBase}/platform/p/deployment/shop/branch/app`);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({
        data: { status: { state: "Failed", lastError: failed.lastError, appliedId: good } },
      });
      expect(await healthy(base)).toBe(true);
      expect(controller.process.exitCode).toBeNull();
    },
  );

  it("treats refs whose names are shell code as names: deploys those that exist, fails the one that does not, and runs nothing", async () => {
    const refs = [
      `feat/$(touch\${IFS}${marker})`,
      `x;touch\${IFS}${marker};rm\${IFS}-rf\${IFS}${marker}-nothing`,
      `a\`touch\${IFS}${marker}\`|b&&c>${marker}<d'"`,
    ];
    const missing = `$(touch\${IFS}${marker})-missing`;
    for (const ref of refs)
      await work.git("push", "--quiet", "origin", `${good}:refs/heads/${ref}`);
    await work.git("checkout", "--quiet", "--force", "main");
    const all = ["branch/main", "branch/app", ...[...refs, missing].map((r) => `branch/${r}`)];
    // JSON strings are YAML double-quoted scalars: the platform file holds the names verbatim.
    const platformId = await work.commitAndPush(
      platformFile(
        "p",
        namespace,
        all.map((r) => JSON.stringify(r)),
      ),
      "deploy refs named like shell code",
    );

    for (const ref of refs) {
      const d = await deploymentStatus(
        namespace,
        `branch/${ref}`,
        (x) => x.state === "Ready" && x.id === good,
        `branch/${ref} Ready`,
      );
      // Kubernetes names made from it are DNS-1123 labels; the exact ref rides in an annotation.
      const name = d.components[0]!.deployment;
      expect(name).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
      const live = await clients().apps.readNamespacedDeployment({ name, namespace });
      expect(live.metadata?.annotations?.["kubefox.io/ref"]).toBe(`branch/${ref}`);
      // The status API takes the name as one encoded path segment and answers for it.
      const reply = await request(
        `${base}${apiBase}/platform/p/deployment/shop/branch/${encodeURIComponent(ref)}`,
      );
      expect(reply.status, reply.text).toBe(200);
      expect(reply.body).toMatchObject({ data: { ref: `branch/${ref}` } });
    }
    const absent = await deploymentStatus(
      namespace,
      `branch/${missing}`,
      (x) => x.state === "Failed",
      "the missing ref Failed",
    );
    expect(absent.lastErrorCode).toBe("RefNotFound");
    expect(absent.lastError).toBe(`ref branch/${missing}: no branch named ${missing}`);

    // Nothing of before was torn down, main moved to the new commit, and no shell ever ran.
    const now = await managedObjects(namespace);
    for (const [key, uid] of Object.entries(deployed)) expect(now[key], key).toBe(uid);
    expect(Object.keys(now)).toHaveLength(6 + 3 * refs.length);
    await deploymentStatus(
      namespace,
      "branch/main",
      (d) => d.state === "Ready" && d.appliedId === platformId,
      "main Ready at the new platform file",
    );
    expect(await markerFiles(controller.stateDir)).toEqual([]);
    expect(await healthy(base)).toBe(true);
    expect(controller.process.exitCode).toBeNull();
  });

  it("refuses a platform file naming a ref no branch can have (x;rm -rf ...) where it is written, and tears nothing down", async () => {
    const before = await managedObjects(namespace);
    const bad = `branch/x;rm -rf ${marker}`;
    const file = platformFile("p", namespace, ["branch/main", JSON.stringify(bad)]);
    const text = Object.values(file)[0]!;
    const line = text.split("\n").findIndex((l) => l.includes("rm -rf")) + 1;
    await work.commitAndPush(file, "a ref with spaces");
    const problem = `platforms/p.yaml:${line}:12: spec.deployments[1].ref must be a ref: id/<7 to 40 lowercase hex digits>, branch/<name> or tag/<name> (a tag may be a pattern such as tag/v*), got "${bad}"`;
    await eventually(
      async () => {
        const reply = await request(`${base}${apiBase}/system/shop`);
        const repo = (
          reply.body as { data: { status: { repository: { controlProblems: string[] } } } }
        ).data.status.repository;
        return repo.controlProblems.includes(problem) ? true : undefined;
      },
      { what: "the platform file's problem in the repository's status" },
    );
    // The platform's own answer says the same, with where, instead of a half-read platform.
    const platform = await request(`${base}${apiBase}/platform/p/deployment/shop/branch/main`);
    expect(platform.status).toBe(422);
    expect(platform.body).toMatchObject({ validationErrors: [problem] });
    // A few polls later: every object still there, the very same ones.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await managedObjects(namespace)).toEqual(before);
    expect(await markerFiles(controller.stateDir)).toEqual([]);
    expect(await healthy(base)).toBe(true);
    expect(controller.process.exitCode).toBeNull();
  });
});
