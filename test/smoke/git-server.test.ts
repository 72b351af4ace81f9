// Proves the test Git server is real smart HTTP: isomorphic-git clones what the
// real git client pushed, with the same refs `git ls-remote` reports, and basic
// auth refuses a client without credentials.
import fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import git from "isomorphic-git";
import http from "isomorphic-git/http/node";
import { execa } from "execa";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createRepoWithClone, lsRemote } from "../support/git.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), "kubefox-smoke-"));
  dirs.push(d);
  return d;
}

describe("the test Git server", () => {
  it("serves to isomorphic-git the same branches and tags that git ls-remote sees", async () => {
    const { repo, work } = await createRepoWithClone("smoke");
    await work.commitAndPush({ "README.md": "one\n" }, "first");
    await work.tag("v1.0.0", { annotated: true });
    await work.git("checkout", "--quiet", "-b", "feature/x");
    await work.write({ "README.md": "two\n" });
    await work.commit("second");
    await work.tag("v1.1.0");
    await work.git("push", "--quiet", "origin", "feature/x", "--tags");

    const dir = await tempDir();
    await git.clone({ fs, http, dir, gitdir: dir, url: repo.url, noCheckout: true, noTags: false });
    const branches: Record<string, string> = {};
    for (const b of await git.listBranches({ fs, gitdir: dir, remote: "origin" })) {
      if (b === "HEAD") continue;
      branches[b] = await git.resolveRef({ fs, gitdir: dir, ref: `refs/remotes/origin/${b}` });
    }
    const tags: Record<string, string> = {};
    for (const t of await git.listTags({ fs, gitdir: dir })) {
      const oid = await git.resolveRef({ fs, gitdir: dir, ref: `refs/tags/${t}` });
      const { type, object } = await git.readObject({ fs, gitdir: dir, oid });
      tags[t] = type === "tag" ? (object as { object: string }).object : oid;
    }
    const native = await lsRemote(repo.url);
    expect(branches).toEqual(native.branches);
    expect(tags).toEqual(native.tags);
    expect(Object.keys(native.branches).sort()).toEqual(["feature/x", "main"]);
    await work.remove();
  });

  it("refuses a clone without credentials when basic auth is on, and serves one with them", async () => {
    const { repo, work } = await createRepoWithClone("smoke-auth");
    await work.commitAndPush({ "a.txt": "a\n" }, "first");
    await work.remove();

    const refused = await execa("git", ["ls-remote", repo.authUrl], {
      reject: false,
      env: { GIT_TERMINAL_PROMPT: "0" },
    });
    expect(refused.exitCode).not.toBe(0);
    await expect(
      git.clone({ fs, http, dir: await tempDir(), url: repo.authUrl, noCheckout: true }),
    ).rejects.toMatchObject({ code: "HttpError", data: { statusCode: 401 } });

    const dir = await tempDir();
    await git.clone({
      fs,
      http,
      dir,
      url: repo.authUrl,
      noCheckout: true,
      onAuth: () => ({ username: inject("gitAuthUser"), password: inject("gitAuthPassword") }),
    });
    expect(await git.resolveRef({ fs, dir, ref: "refs/remotes/origin/main" })).toMatch(
      /^[0-9a-f]{40}$/,
    );
  });
});
