// Test helpers for the real Git server started by test/global-setup.ts: bare
// repositories made with `git init --bare` in its root, changed through working
// clones with the real `git` client.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { inject } from "vitest";
import { git } from "../../hack/git/run.js";
import { WorkingCopy } from "../../hack/git/working-copy.js";

export interface TestRepo {
  name: string;
  /** Clone URL without auth. */
  url: string;
  /** Clone URL of the same repository behind basic auth. */
  authUrl: string;
  /** Path of the bare repository on disk. */
  bareDir: string;
}

export async function createRepo(prefix: string): Promise<TestRepo> {
  const name = `${prefix}-${randomBytes(4).toString("hex")}`;
  const bareDir = path.join(inject("gitRoot"), `${name}.git`);
  await git(["init", "--bare", "--quiet", "--initial-branch=main", bareDir]);
  return {
    name,
    url: `${inject("gitUrl")}/${name}.git`,
    authUrl: `${inject("gitAuthUrl")}/${name}.git`,
    bareDir,
  };
}

/** A new repository on the server and a working clone of it. */
export async function createRepoWithClone(
  prefix: string,
): Promise<{ repo: TestRepo; work: WorkingCopy }> {
  const repo = await createRepo(prefix);
  return { repo, work: await WorkingCopy.clone(repo.url) };
}

/** Branch and tag map as `git ls-remote` reports it (tags peeled to commits); `env` for SSH. */
export async function lsRemote(
  url: string,
  env: Record<string, string> = {},
): Promise<{ branches: Record<string, string>; tags: Record<string, string> }> {
  const out = await git(["ls-remote", url], undefined, env);
  const branches: Record<string, string> = {};
  const tags: Record<string, string> = {};
  const direct: Record<string, string> = {};
  for (const line of out.split("\n").filter(Boolean)) {
    const [id, ref] = line.split("\t") as [string, string];
    if (ref.startsWith("refs/heads/")) branches[ref.slice(11)] = id;
    else if (ref.startsWith("refs/tags/")) {
      const name = ref.slice(10);
      if (name.endsWith("^{}")) tags[name.slice(0, -3)] = id;
      else direct[name] = id;
    }
  }
  for (const [name, id] of Object.entries(direct)) tags[name] ??= id;
  return { branches, tags };
}
