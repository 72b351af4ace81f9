// `kubefox-gitops render` as a user runs it: the real CLI, spawned, on
// repo-template and on Git repositories made with the real git client.
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const cli = path.join(root, "bin/kubefox-gitops.js");
const template = path.join(root, "repo-template");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function render(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, "render", ...args], (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: "t",
    GIT_AUTHOR_EMAIL: "t@example.com",
    GIT_COMMITTER_NAME: "t",
    GIT_COMMITTER_EMAIL: "t@example.com",
  };
  return (await promisify(execFile)("git", args, { cwd, env })).stdout.trim();
}

/** The objects on stdout, as kind/name. */
function objects(stdout: string): string[] {
  return Array.from(parseAllDocuments(stdout))
    .map((d) => d.toJS() as { kind: string; metadata: { name: string } } | null)
    .filter((o) => o !== null)
    .map((o) => `${o.kind}/${o.metadata.name}`);
}

function replicasOf(stdout: string, deployment: string): number | undefined {
  const found = Array.from(parseAllDocuments(stdout))
    .map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec: never })
    .find((o) => o?.kind === "Deployment" && o.metadata.name === deployment);
  return (found?.spec as { replicas?: number } | undefined)?.replicas;
}

const say = (line: string) => `kubefox-gitops render: ${line}\n`;
const notGit = say(
  "platform local, namespace kubefox-demo; TEMPLATE is not a Git repository, so its working tree stands for every ref",
).replace("TEMPLATE", template);

const branchMain = [
  "ConfigMap/demo-branch-main-hello-web",
  "Deployment/demo-branch-main-hello-web",
  "Service/demo-branch-main-hello-web",
  "ConfigMap/demo-branch-main-hello-worker",
  "Deployment/demo-branch-main-hello-worker",
];
const prodAt = (commit: string) => [
  `ConfigMap/demo-prod-${commit}-hello-web`,
  `Deployment/demo-prod-${commit}-hello-web`,
  `ConfigMap/demo-prod-${commit}-hello-worker`,
  `Deployment/demo-prod-${commit}-hello-worker`,
  "Service/demo-prod-hello-web",
  "Ingress/demo-prod",
];
const secretShown =
  ", and Secret prod-routing without its keys, as a comment (the controller makes them)";

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "render-"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("kubefox-gitops render", () => {
  it("renders repo-template's deployment and its prod release, and says so on stderr", async () => {
    const result = await render([template, "--platform", "local"]);
    expect(result.stderr).toBe(
      notGit +
        say("deployment branch/main (environment dev): 5 objects") +
        say(`release prod (tag/v*): 6 objects${secretShown}`),
    );
    expect(result.code).toBe(0);
    expect(objects(result.stdout)).toEqual([...branchMain, ...prodAt("000000000000")]);
  });

  it("shows the routing Secret's keys by name only, as a comment that kubectl skips", async () => {
    const { stdout } = await render([template, "--platform", "local"]);
    const comment = stdout.slice(stdout.lastIndexOf("---\n") + 4);
    expect(comment.split("\n").every((l) => l === "" || l.startsWith("# "))).toBe(true);
    expect(comment).toContain("#   name: prod-routing\n");
    expect(comment).toContain(
      "#   public-api-key: <256 random bits, made once in the cluster, never shown>\n",
    );
    expect(comment).toContain(
      "#   private-api-key: <256 random bits, made once in the cluster, never shown>\n",
    );
    expect(objects(stdout)).not.toContain("Secret/prod-routing");
  });

  it.each([
    ["bogus", "ref bogus: expected id/<commit>, branch/<name> or tag/<name>"],
    ["id/abc", "ref id/abc: an id is 7 to 40 hex digits of a commit id"],
  ])("refuses --ref %s as run does, printing nothing", async (ref, message) => {
    const result = await render([template, "--platform", "local", "--ref", ref]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr:
        notGit +
        say(`deployment ${ref}: [RefNotFound] ${message}`) +
        say("nothing printed: 1 of 1 not rendered"),
    });
  });

  describe("in a Git repository", () => {
    let repo: string;
    let tagged: string;
    let head: string;

    beforeAll(async () => {
      repo = path.join(scratch, "repo");
      await cp(template, repo, { recursive: true });
      await git(repo, "init", "-q", "-b", "main");
      await git(repo, "add", "-A");
      await git(repo, "commit", "-qm", "two web replicas");
      await git(repo, "tag", "v1.0.0");
      tagged = await git(repo, "rev-parse", "HEAD");
      await edit(repo, "replicas: 2", "replicas: 3");
      await git(repo, "commit", "-qam", "three web replicas");
      head = await git(repo, "rev-parse", "HEAD");
      // Not committed: the working tree is what the commit checked out shows.
      await edit(repo, "replicas: 3", "replicas: 4");
    });

    it("renders each ref at the commit it resolves to; the one checked out from the working tree", async () => {
      const result = await render([repo, "--platform", "local"]);
      expect(result.stderr).toBe(
        say("platform local, namespace kubefox-demo") +
          say(
            `deployment branch/main (environment dev) at ${head.slice(0, 12)} (working tree): 5 objects`,
          ) +
          say(
            `release prod (tag/v*) at ${tagged.slice(0, 12)}, tag v1.0.0: 6 objects${secretShown}`,
          ),
      );
      expect(result.code).toBe(0);
      expect(objects(result.stdout)).toEqual([...branchMain, ...prodAt(tagged.slice(0, 12))]);
      expect(replicasOf(result.stdout, "demo-branch-main-hello-web")).toBe(4);
      expect(replicasOf(result.stdout, `demo-prod-${tagged.slice(0, 12)}-hello-web`)).toBe(2);
    });

    it("renders only the ones with --ref", async () => {
      const result = await render([repo, "--platform", "local", "--ref", "tag/v*"]);
      expect(result.code).toBe(0);
      expect(objects(result.stdout)).toEqual(prodAt(tagged.slice(0, 12)));
    });

    it("leaves out, as run does, a release whose tag pattern matches no tag yet", async () => {
      const untagged = path.join(scratch, "untagged");
      await cp(template, untagged, { recursive: true });
      await git(untagged, "init", "-q", "-b", "main");
      await git(untagged, "add", "-A");
      await git(untagged, "commit", "-qm", "no tag yet");
      const at = (await git(untagged, "rev-parse", "HEAD")).slice(0, 12);
      const result = await render([untagged, "--platform", "local"]);
      expect(result.stderr).toBe(
        say("platform local, namespace kubefox-demo") +
          say(
            "release prod (tag/v*): not rendered: [RefNotFound] ref tag/v*: no release tag matches v*; run applies nothing of it until the ref resolves",
          ) +
          say(`deployment branch/main (environment dev) at ${at} (working tree): 5 objects`),
      );
      expect(result.code).toBe(0);
      expect(objects(result.stdout)).toEqual(branchMain);
    });

    it("refuses a ref that does not resolve there", async () => {
      const result = await render([repo, "--platform", "local", "--ref", "branch/nope"]);
      expect(result).toEqual({
        code: 1,
        stdout: "",
        stderr:
          say("platform local, namespace kubefox-demo") +
          say("deployment branch/nope: [RefNotFound] ref branch/nope: no branch named nope") +
          say("nothing printed: 1 of 1 not rendered"),
      });
    });
  });

  it("refuses what the platform's policy refuses, at the field, as run does", async () => {
    const repo = path.join(scratch, "refused");
    await cp(template, repo, { recursive: true });
    await mkdir(path.join(repo, "manifests"));
    await writeFile(
      path.join(repo, "manifests/agent.yaml"),
      "apiVersion: v1\nkind: Pod\nmetadata: {name: agent}\nspec:\n  containers: [{name: a, image: a}]\n  hostPID: true\n",
    );
    const result = await render([repo, "--platform", "local"]);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      say(
        `platform local, namespace kubefox-demo; ${repo} is not a Git repository, so its working tree stands for every ref`,
      ) +
        "manifests/agent.yaml:6:3: Pod agent asks for hostPID, which platform local does not allow\n" +
        say("deployment branch/main: [PolicyViolation] 1 problem (above) in the working tree") +
        say(
          "nothing printed: 1 of 2 not rendered (--ref REF renders the ones with that ref alone)",
        ),
    );
    expect(result.code).toBe(1);
  });
});

async function edit(repo: string, from: string, to: string): Promise<void> {
  const file = path.join(repo, "apps/hello/app.yaml");
  const text = await readFile(file, "utf8");
  if (!text.includes(from)) throw new Error(`no ${from} in ${file}`);
  await writeFile(file, text.replace(from, to));
}
