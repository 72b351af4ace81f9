// `kubefox-gitops diff` (issue 15) against what the real controller applied: the
// real `run` deploys a repository from the real Git server, then the real CLI
// compares a clone's working tree with the live cluster, as a person would
// before merging.
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import {
  deploymentStatus,
  startController,
  storedStatus,
  type RunningController,
} from "../support/controller.js";
import { createRepoWithClone } from "../support/git.js";
import { auditedWrites, clients, eventually } from "../support/kube.js";
import { platformFile, systemFiles } from "../support/systems.js";

const namespace = `e2e-diff-${randomBytes(3).toString("hex")}`;
const web = "shop-branch-main-store-web";
const api = "shop-branch-main-store-api";
const worker = "shop-branch-main-store-worker";
const component = (name: string) => `    ${name}:\n      image: ghcr.io/acme/shop-${name}:1.0.0\n`;

let work: WorkingCopy;
let repoUrl: string;
let controller: RunningController | undefined;

function diff(...extra: string[]) {
  return diffIn(work.dir, "e2e", ...extra);
}

function diffIn(dir: string, platform: string, ...extra: string[]) {
  return execa(
    "node",
    [
      "--import",
      "tsx",
      "controller/cli.ts",
      "diff",
      dir,
      "--platform",
      platform,
      "--kubeconfig",
      inject("kubeconfig"),
      ...extra,
    ],
    { reject: false, env: { KUBECONFIG: "" } },
  );
}

describe("kubefox-gitops diff", () => {
  beforeAll(async () => {
    const created = await createRepoWithClone("diff");
    work = created.work;
    repoUrl = created.repo.url;
    await work.commitAndPush(
      {
        ...systemFiles({ extraComponents: component("api") }),
        ...platformFile("e2e", namespace, ["branch/main"]),
      },
      "web and api",
    );
    controller = await startController(created.repo.url);
    await deploymentStatus(namespace, "branch/main", (d) => d.state === "Ready", "Ready");
  });

  afterAll(async () => {
    await controller?.stop();
    await clients()
      .core.deleteNamespace({ name: namespace })
      .catch(() => undefined);
    await work?.remove();
  });

  it("exits 0 and prints no diff when the tree is what runs, and writes nothing", async () => {
    const since = new Date();
    const result = await diff();
    expect(result.stderr).toMatch(/0 to create, 0 to change, 0 to delete \(prune\), \d+ unchanged/);
    expect(result.stdout).toBe("");
    expect(result.exitCode).toBe(0);
    // The API server's audit log sees the dry runs (so the check below can fail), and no write.
    const calls = (await auditedWrites())
      .filter((e) => new Date(e.requestReceivedTimestamp) >= since)
      .filter((e) => e.objectRef?.namespace === namespace)
      .map((e) => ({ ...e, uri: (e as { requestURI?: string }).requestURI ?? "" }));
    const cli = calls.filter((e) => e.user.username !== inject("controllerUser"));
    expect(cli.length).toBeGreaterThan(0);
    expect(cli.filter((e) => !e.uri.includes("dryRun=All")).map((e) => e.uri)).toEqual([]);
  });

  it("shows a Deployment scaled by hand, and exits 1", async () => {
    // Stopped first, so that it does not put the replicas back.
    await controller?.stop();
    controller = undefined;
    await execa("kubectl", ["scale", "deployment", web, "-n", namespace, "--replicas=5"], {
      env: { KUBECONFIG: inject("kubeconfig") },
    });
    const result = await diff();
    expect(result.stdout).toContain(`would change Deployment ${namespace}/${web}\n`);
    expect(result.stdout).toContain(`--- live Deployment ${namespace}/${web}\n`);
    expect(result.stdout).toContain(`+++ desired Deployment ${namespace}/${web}\n`);
    expect(result.stdout).toMatch(/^- {2}replicas: 5$/m);
    expect(result.stdout).toMatch(/^\+ {2}replicas: 2$/m);
    // Nothing but the replicas differs.
    const changed = result.stdout.split("\n").filter((l) => /^[-+](?![-+]{2} )/.test(l));
    expect(changed).toEqual(["-  replicas: 5", "+  replicas: 2"]);
    expect(result.exitCode).toBe(1);
  });

  it("compares a repository given by URL as it would a folder (--repo), cloning it with git", async () => {
    const result = await execa(
      "node",
      [
        "--import",
        "tsx",
        "controller/cli.ts",
        "diff",
        "--repo",
        repoUrl,
        "--platform",
        "e2e",
        "--ref",
        "branch/main",
        "--kubeconfig",
        inject("kubeconfig"),
      ],
      { reject: false, env: { KUBECONFIG: "" } },
    );
    const changed = result.stdout.split("\n").filter((l) => /^[-+](?![-+]{2} )/.test(l));
    expect(changed).toEqual(["-  replicas: 5", "+  replicas: 2"]);
    expect(result.exitCode).toBe(1);
  });

  it("says a new component of the working tree would be created", async () => {
    await work.write(systemFiles({ extraComponents: component("api") + component("worker") }));
    const result = await diff();
    expect(result.stdout).toContain(`would create Deployment ${namespace}/${worker}\n`);
    expect(result.stdout).toMatch(new RegExp(`^\\+  name: ${worker}$`, "m"));
    expect(result.stdout).not.toContain(`Deployment ${namespace}/${api}`);
    expect(result.exitCode).toBe(1);
  });

  it("says a removed component would be deleted by prune", async () => {
    await work.write(systemFiles());
    const result = await diff();
    expect(result.stdout).toContain(`would delete (prune) Deployment ${namespace}/${api}\n`);
    expect(result.stdout).not.toContain(worker);
    expect(result.stdout).toContain(`would delete (prune) ConfigMap ${namespace}/${api}\n`);
    // The status ConfigMap carries our labels too, but is the controller's, not rendered.
    expect(result.stdout.match(/^would delete \(prune\) .*$/gm)).toEqual([
      `would delete (prune) ConfigMap ${namespace}/${api}`,
      `would delete (prune) Deployment ${namespace}/${api}`,
    ]);
    expect(result.exitCode).toBe(1);
  });

  it("exits 2 when it cannot run", async () => {
    const result = await diff("--context", "no-such-context");
    expect(result.stderr).toContain("no-such-context");
    expect(result.exitCode).toBe(2);
  });
});

// repo-template's deployment and its prod release (tag/v*), as render.test.ts runs them.
describe("kubefox-gitops diff of a release", () => {
  const relNamespace = `e2e-diffrel-${randomBytes(3).toString("hex")}`;
  let repo: string;
  let commit: string;
  let running: RunningController | undefined;

  async function git(...args: string[]): Promise<string> {
    const env = {
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    };
    return (await execa("git", args, { cwd: repo, env })).stdout.trim();
  }

  async function edit(file: string, from: string, to: string): Promise<void> {
    const full = path.join(repo, file);
    await writeFile(full, (await readFile(full, "utf8")).replace(from, to));
  }

  beforeAll(async () => {
    repo = await mkdtemp(path.join(tmpdir(), "diff-repo-"));
    await rm(repo, { recursive: true });
    await cp("repo-template", repo, { recursive: true });
    await edit("platforms/local.yaml", "namespace: kubefox-demo", `namespace: ${relNamespace}`);
    await git("init", "-q", "-b", "main");
    await git("add", "-A");
    await git("commit", "-qm", "first");
    await git("tag", "v1.0.0");
    commit = await git("rev-parse", "HEAD");
    running = await startController(repo);
    await eventually(
      async () => {
        const status = await storedStatus(relNamespace);
        const deployed = status?.deployments.find((d) => d.ref === "branch/main");
        return deployed?.appliedId === commit && status?.releases?.prod?.active?.commit === commit
          ? true
          : undefined;
      },
      { what: "branch/main applied and prod active at the commit", timeoutMs: 60_000 },
    );
  });

  afterAll(async () => {
    await running?.stop();
    await clients()
      .core.deleteNamespace({ name: relNamespace })
      .catch(() => undefined);
    if (repo) await rm(repo, { recursive: true, force: true });
  });

  it("exits 0 when the deployment and the release are what runs; the routing Secret is not compared", async () => {
    const result = await diffIn(repo, "local");
    expect(result.stderr).toContain("0 to create, 0 to change, 0 to delete (prune), 11 unchanged");
    expect(result.stdout).toBe("");
    expect(result.exitCode).toBe(0);
  });

  it("shows a changed environment variable in the release's version", async () => {
    await running?.stop();
    running = undefined;
    await edit("environments/prod.yaml", "region: production", "region: moon");
    const result = await diffIn(repo, "local", "--ref", "tag/v*");
    const version = `demo-prod-${commit.slice(0, 12)}-hello-web`;
    expect(result.stdout).toContain(`would change ConfigMap ${relNamespace}/${version}\n`);
    expect(result.stdout).toMatch(/^-.*Hello from production/m);
    expect(result.stdout).toMatch(/^\+.*Hello from moon/m);
    // --ref: the branch deployment is neither compared nor pruned.
    expect(result.stdout).not.toContain("branch-main");
    expect(result.exitCode).toBe(1);
  });
});
