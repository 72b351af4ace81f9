// Git protocol v2 (issue 16) over both transports, against `git http-backend`
// and a real sshd: ref maps equal `git ls-remote`, the thousands of
// refs/pull/* a host keeps are neither listed nor fetched (v2 asks for
// branches and tags only), and a server that does not speak v2 (one that drops
// the Git-Protocol header, an sshd without `AcceptEnv GIT_PROTOCOL`) is
// spoken to in v0 with the same result.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { SshCredentials } from "../../controller/source/ssh-transport.js";
import type { GitSource } from "../../controller/source/types.js";
import { openUrlSource } from "../../controller/source/url-source.js";
import { git } from "../../hack/git/run.js";
import { startGitServer, type GitServer } from "../../hack/git/server.js";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import { createRepoWithClone, lsRemote, type TestRepo } from "../support/git.js";
import { startTestSsh, type TestSsh } from "../support/ssh.js";
import { makeTrickyRefs, plain, tempDir } from "./native.js";

const PULLS = 3000;
let ssh: TestSsh;
let sshV0: TestSsh;
let httpV0: GitServer;
let repo: TestRepo;
let work: WorkingCopy;
/** A commit only refs/pull/1/head reaches. */
let pullOnly: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  [ssh, sshV0, httpV0] = await Promise.all([
    startTestSsh(),
    startTestSsh({ acceptGitProtocol: false }),
    startGitServer({ root: inject("gitRoot"), protocolV2: false }),
  ]);
  ({ repo, work } = await createRepoWithClone("v2"));
  await makeTrickyRefs(work, { push: true });
  pullOnly = await git(
    ["commit-tree", "main^{tree}", "-p", "main", "-m", "a pull request"],
    repo.bareDir,
  );
  const updates = [`create refs/pull/1/head ${pullOnly}\n`];
  for (let i = 2; i <= PULLS; i++) updates.push(`create refs/pull/${i}/head main\n`);
  await execa("git", ["update-ref", "--stdin"], { cwd: repo.bareDir, input: updates.join("") });
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await work?.remove();
  await Promise.all([ssh?.close(), sshV0?.close(), httpV0?.close()]);
});

interface Fetched {
  protocol: number;
  bytes: number;
  objects: number;
}

async function open(
  url: string,
  options: { ssh?: SshCredentials; protocol?: 0 | 2 } = {},
): Promise<{ source: GitSource; fetches: Fetched[]; gitdir: () => Promise<string> }> {
  const state = await tempDir("v2-state");
  const fetches: Fetched[] = [];
  const source = await openUrlSource({
    url,
    stateDir: state.dir,
    ...options,
    log: (entry) => {
      if (entry.level === "debug") fetches.push(entry as unknown as Fetched);
    },
  });
  cleanups.push(async () => {
    await source.close();
    await state.remove();
  });
  const gitdir = async () => {
    const [name] = await readdir(path.join(state.dir, "repos"));
    return path.join(state.dir, "repos", name!);
  };
  return { source, fetches, gitdir };
}

async function hasObject(gitdir: string, oid: string): Promise<boolean> {
  const result = await execa("git", ["cat-file", "-e", oid], { cwd: gitdir, reject: false });
  return result.exitCode === 0;
}

describe.each([
  ["smart HTTP", () => repo.url, () => ({})],
  ["SSH", () => ssh.url(repo.name), () => ({ ssh: ssh.credentials() })],
])("protocol v2 over %s", (_, url, settings) => {
  it("lists exactly what git ls-remote lists, and nothing of refs/pull/*", async () => {
    const { source, fetches, gitdir } = await open(url(), settings());
    const refs = await source.sync();
    expect(plain(refs)).toEqual(await lsRemote(repo.url));
    expect(refs.defaultBranch).toBe("main");
    expect(fetches.map((f) => f.protocol)).toEqual([2]);
    expect(await hasObject(await gitdir(), pullOnly)).toBe(false);

    // The same repository in v0: the server advertises every refs/pull/* too.
    const v0 = await open(url(), { ...settings(), protocol: 0 });
    expect(plain(await v0.source.sync())).toEqual(plain(refs));
    expect(v0.fetches.map((f) => f.protocol)).toEqual([0]);
    expect(v0.fetches[0]!.bytes - fetches[0]!.bytes).toBeGreaterThan(PULLS * 50);
  });

  it("fetches only what a push added, and follows moved and deleted refs", async () => {
    const { source, fetches } = await open(url(), settings());
    const doomed = `refs/heads/doomed-${fetches.length}${Date.now()}`;
    await work.git("push", "--quiet", "origin", `main:${doomed}`);
    expect((await source.sync()).branches.has(doomed.slice(11))).toBe(true);
    const id = await work.commitAndPush({ "v2.txt": `${Math.random()}\n` }, "one more");
    await work.git("push", "--quiet", "origin", `:${doomed}`);
    const refs = await source.sync();
    expect(refs.branches.has(doomed.slice(11))).toBe(false);
    expect(refs.branches.get("main")).toBe(id);
    expect(plain(refs)).toEqual(await lsRemote(repo.url));
    // The new commit, its tree and its blob.
    expect(fetches[1]).toMatchObject({ protocol: 2, objects: 3 });
  });
});

describe("a server without protocol v2", () => {
  it.each([
    ["smart HTTP that drops the Git-Protocol header", () => httpV0.repoUrl(repo.name), () => ({})],
    [
      "an sshd without AcceptEnv GIT_PROTOCOL",
      () => sshV0.url(repo.name),
      () => ({ ssh: sshV0.credentials() }),
    ],
  ])("%s is spoken to in v0, with the same refs", async (_, url, settings) => {
    const { source, fetches } = await open(url(), settings());
    const refs = await source.sync();
    expect(fetches.map((f) => f.protocol)).toEqual([0]);
    expect(plain(refs)).toEqual(await lsRemote(repo.url));
  });
});

describe("a later fetch over smart HTTP", () => {
  it("goes on with the capabilities of the last one (two requests, not three), and greets again when the server stopped speaking v2", async () => {
    const server = await startGitServer({ root: inject("gitRoot") });
    cleanups.push(() => server.close());
    const { source, fetches } = await open(server.repoUrl(repo.name));
    await source.sync();
    expect(server.requests.filter((p) => p.endsWith("/info/refs"))).toHaveLength(1);

    const first = await work.commitAndPush({ "resume.txt": "1\n" }, "resume 1");
    let before = server.requests.length;
    expect((await source.sync()).branches.get("main")).toBe(first);
    // ls-refs and fetch, each a POST; no GET of info/refs.
    expect(server.requests.slice(before)).toEqual([
      `/${repo.name}.git/git-upload-pack`,
      `/${repo.name}.git/git-upload-pack`,
    ]);

    server.protocolV2 = false;
    const second = await work.commitAndPush({ "resume.txt": "2\n" }, "resume 2");
    before = server.requests.length;
    const refs = await source.sync();
    expect(refs.branches.get("main")).toBe(second);
    expect(plain(refs)).toEqual(await lsRemote(repo.url));
    expect(server.requests.slice(before)).toContain(`/${repo.name}.git/info/refs`);
    expect(fetches.map((f) => f.protocol)).toEqual([2, 2, 0]);
  });
});
