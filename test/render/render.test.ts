// `kubefox-gitops render` against what `run` applies (issue 15): the real
// controller runs repo-template from a local Git repository on the test
// control plane; render, run on the same folder, must print the very objects
// it applied (the desired-hash annotation is the hash of each rendered object),
// deployment and release alike, as YAML that kubectl applies as it is.
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { KubernetesObjectApi, type KubernetesObject } from "@kubernetes/client-node";
import { execa } from "execa";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubectl, requireKubectl } from "../install/kubectl.js";
import { startController, storedStatus, type RunningController } from "../support/controller.js";
import { clients, eventually } from "../support/kube.js";

const namespace = `render-${randomBytes(3).toString("hex")}`;
const desiredHash = "kubefox.io/desired-hash";

let repo: string;
let commit: string;
let controller: RunningController;

async function git(...args: string[]): Promise<string> {
  const env = {
    GIT_AUTHOR_NAME: "t",
    GIT_AUTHOR_EMAIL: "t@example.com",
    GIT_COMMITTER_NAME: "t",
    GIT_COMMITTER_EMAIL: "t@example.com",
  };
  return (await execa("git", args, { cwd: repo, env })).stdout.trim();
}

async function render(...args: string[]) {
  return execa("node", ["bin/kubefox-gitops.js", "render", repo, ...args], { reject: false });
}

function objectsOf(stdout: string): KubernetesObject[] {
  return Array.from(parseAllDocuments(stdout))
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => o !== null);
}

beforeAll(async () => {
  await requireKubectl();
  repo = await mkdtemp(path.join(tmpdir(), "render-repo-"));
  await rm(repo, { recursive: true });
  await cp("repo-template", repo, { recursive: true });
  const platform = path.join(repo, "platforms/local.yaml");
  await writeFile(
    platform,
    (await readFile(platform, "utf8")).replace(
      "namespace: kubefox-demo",
      `namespace: ${namespace}`,
    ),
  );
  await git("init", "-q", "-b", "main");
  await git("add", "-A");
  await git("commit", "-qm", "first");
  await git("tag", "v1.0.0");
  commit = await git("rev-parse", "HEAD");
  controller = await startController(repo);
});

afterAll(async () => {
  await controller?.stop();
  await clients()
    .core.deleteNamespace({ name: namespace })
    .catch(() => undefined);
  if (repo) await rm(repo, { recursive: true, force: true });
});

describe("kubefox-gitops render", () => {
  it("prints exactly the objects run applied, for the deployment and the release", async () => {
    await eventually(
      async () => {
        const status = await storedStatus(namespace);
        const deployed = status?.deployments.find((d) => d.ref === "branch/main");
        return deployed?.appliedId === commit && status?.releases?.prod?.active?.commit === commit
          ? true
          : undefined;
      },
      { what: "branch/main applied and prod active at the commit", timeoutMs: 60_000 },
    );
    const result = await render("--platform", "local");
    expect(result.exitCode).toBe(0);
    const rendered = objectsOf(result.stdout);
    expect(rendered.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      "ConfigMap/demo-branch-main-hello-web",
      "Deployment/demo-branch-main-hello-web",
      "Service/demo-branch-main-hello-web",
      "ConfigMap/demo-branch-main-hello-worker",
      "Deployment/demo-branch-main-hello-worker",
      `ConfigMap/demo-prod-${commit.slice(0, 12)}-hello-web`,
      `Deployment/demo-prod-${commit.slice(0, 12)}-hello-web`,
      `ConfigMap/demo-prod-${commit.slice(0, 12)}-hello-worker`,
      `Deployment/demo-prod-${commit.slice(0, 12)}-hello-worker`,
      "Service/demo-prod-hello-web",
      "Ingress/demo-prod",
    ]);
    const api = clients().kc.makeApiClient(KubernetesObjectApi);
    const live = await Promise.all(
      rendered.map((o) =>
        api.read({
          apiVersion: o.apiVersion!,
          kind: o.kind!,
          metadata: { name: o.metadata!.name!, namespace },
        }),
      ),
    );
    expect(live.map((o) => o.metadata?.annotations?.[desiredHash])).toEqual(
      rendered.map((o) => o.metadata?.annotations?.[desiredHash]),
    );
  });

  it("prints YAML that kubectl applies as it is, leaving the routing Secret alone", async () => {
    const result = await render("--platform", "local");
    const applied = await kubectl(["apply", "--dry-run=server", "-f", "-"], {
      input: result.stdout,
    });
    const lines = applied.stdout.trim().split("\n");
    expect(lines).toHaveLength(11);
    expect(lines.every((l) => l.endsWith("(server dry run)"))).toBe(true);
    expect(applied.stdout).not.toMatch(/secret/i);
  });
});
