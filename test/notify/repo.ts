// A repository on the test Git server under an owner (`acme/<name>.git`), as a
// Git host names repositories, so the status API's owner/repo path is there.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { inject } from "vitest";
import { git } from "../../hack/git/run.js";
import { WorkingCopy } from "../../hack/git/working-copy.js";
import { ApiSpec, specsDir } from "../support/api-spec.js";
import { createRequire } from "node:module";

export async function ownedRepo(
  prefix: string,
): Promise<{ url: string; host: string; work: WorkingCopy; name: string }> {
  const name = `${prefix}-${randomBytes(4).toString("hex")}`;
  await git([
    "init",
    "--bare",
    "--quiet",
    "--initial-branch=main",
    path.join(inject("gitRoot"), "acme", `${name}.git`),
  ]);
  const url = `${inject("gitUrl")}/acme/${name}.git`;
  return { url, host: new URL(url).host, work: await WorkingCopy.clone(url), name };
}

const require = createRequire(import.meta.url);
let github: ApiSpec | undefined;

/** GitHub's own description of POST /repos/{owner}/{repo}/statuses/{sha}. */
export function githubCommitStatus() {
  github ??= ApiSpec.load(require.resolve("@octokit/openapi/generated/api.github.com.json"));
  return github.operation({ operationId: "repos/create-commit-status" });
}

export { specsDir };
