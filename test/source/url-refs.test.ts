// A URL source against the real Git server: its ref map equals `git ls-remote`
// for repositories built to be hard (packed and loose refs, non-ASCII names,
// tags of tags, tags of blobs and trees, thousands of refs), and stays equal as
// upstream deletes, force-pushes and moves refs. Its clone is a repository
// native git accepts (`git fsck`).
import { readdir } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { generateRepo } from "../../hack/git/generate.js";
import { git } from "../../hack/git/run.js";
import { openUrlSource } from "../../controller/source/url-source.js";
import type { GitSource } from "../../controller/source/types.js";
import { createRepo, createRepoWithClone, lsRemote } from "../support/git.js";
import { makeTrickyRefs, plain, tempDir } from "./native.js";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function open(
  url: string,
  stateDir?: string,
  maxPacks?: number,
): Promise<{ source: GitSource; stateDir: string }> {
  if (!stateDir) {
    const tmp = await tempDir("state");
    cleanups.push(tmp.remove);
    stateDir = tmp.dir;
  }
  const source = await openUrlSource({ url, stateDir, maxPacks });
  cleanups.push(() => source.close());
  return { source, stateDir };
}

/** The bare clone the source keeps under the state dir. */
async function cloneDir(stateDir: string): Promise<string> {
  const [name] = await readdir(path.join(stateDir, "repos"));
  return path.join(stateDir, "repos", name!);
}

describe("a URL source's refs", () => {
  it("equal git ls-remote on packed and loose refs, odd names and tags of tags, blobs and trees", async () => {
    const { repo, work } = await createRepoWithClone("tricky");
    cleanups.push(() => work.remove());
    const commits = await makeTrickyRefs(work, { push: true });
    await git(["pack-refs", "--all"], repo.bareDir);
    // A few loose refs on top of packed-refs, one of them shadowing a packed one.
    await work.git("checkout", "--quiet", "-b", "loose/ñ");
    await work.commitAndPush({ "loose.txt": "loose\n" }, "loose");
    await work.git(
      "push",
      "--quiet",
      "--force",
      "origin",
      `${commits.first}:refs/heads/deep/a/b/c`,
    );

    const { source, stateDir } = await open(repo.url);
    const refs = await source.sync();
    const native = await lsRemote(repo.url);
    expect(plain(refs)).toEqual(native);
    expect(Object.keys(native.tags)).toHaveLength(9);
    expect(refs.tags.get("nested2")).toBe(commits.first);
    expect(Object.fromEntries(refs.nonCommitTags)).toEqual({
      "blob-tag": "blob",
      "blob-annotated": "blob",
      "tree-tag": "tree",
    });
    expect(refs.defaultBranch).toBe("main");

    // The clone is a real repository: native git checks it and lists the same refs.
    const dir = await cloneDir(stateDir);
    await git(["fsck", "--strict", "--no-dangling"], dir);
    const peeled = await git(
      ["for-each-ref", "--format=%(refname) %(objectname)", "refs/heads"],
      dir,
    );
    expect(peeled.split("\n")).toHaveLength(Object.keys(native.branches).length);
  });

  it("equal git ls-remote with thousands of refs, some packed and some loose", async () => {
    const repo = await createRepo("many");
    await generateRepo(repo.bareDir, { commits: 300, branches: 1500, tags: 1500 });
    await git(["pack-refs", "--all"], repo.bareDir);
    // 300 loose branches on top of the packed ones.
    const updates = Array.from(
      { length: 300 },
      (_, i) => `create refs/heads/loose/${i}-ü HEAD~${i}\n`,
    );
    await execa("git", ["update-ref", "--stdin"], { cwd: repo.bareDir, input: updates.join("") });

    const { source } = await open(repo.url);
    const refs = await source.sync();
    const native = await lsRemote(repo.url);
    expect(Object.keys(native.branches)).toHaveLength(1801);
    expect(Object.keys(native.tags)).toHaveLength(1500);
    expect(plain(refs)).toEqual(native);
  });

  it("follow upstream: deleted branches and tags disappear, a force-push moves back, a moved tag moves", async () => {
    const { repo, work } = await createRepoWithClone("moves");
    cleanups.push(() => work.remove());
    const one = await work.commitAndPush({ "a.txt": "1\n" }, "one");
    await work.tag("v1.0.0", { annotated: true });
    await work.tag("doomed");
    await work.git("push", "--quiet", "origin", "main:refs/heads/doomed", "--tags");
    const two = await work.commitAndPush({ "a.txt": "2\n" }, "two");
    const { source } = await open(repo.url);
    expect((await source.sync()).branches.get("main")).toBe(two);

    await work.git("push", "--quiet", "--force", "origin", `${one}:refs/heads/main`);
    await work.git("push", "--quiet", "origin", ":refs/heads/doomed", ":refs/tags/doomed");
    await work.git("tag", "--force", "-a", "-m", "moved", "v1.0.0", two);
    await work.git("push", "--quiet", "--force", "origin", "refs/tags/v1.0.0");
    const refs = await source.sync();

    expect(plain(refs)).toEqual(await lsRemote(repo.url));
    expect(refs.branches.get("main")).toBe(one);
    expect(refs.branches.has("doomed")).toBe(false);
    expect(refs.tags.has("doomed")).toBe(false);
    expect(refs.tags.get("v1.0.0")).toBe(two);
  });

  it("start empty for an empty repository, then see its first push", async () => {
    const { repo, work } = await createRepoWithClone("empty");
    cleanups.push(() => work.remove());
    const { source } = await open(repo.url);
    const empty = await source.sync();
    expect(empty.branches.size).toBe(0);
    expect(empty.tags.size).toBe(0);
    const id = await work.commitAndPush({ "a.txt": "a\n" }, "first");
    expect((await source.sync()).branches.get("main")).toBe(id);
  });

  it("survive a restart: the last good refs are read back from the state dir before any fetch", async () => {
    const { repo, work } = await createRepoWithClone("restart");
    cleanups.push(() => work.remove());
    await makeTrickyRefs(work, { push: true });
    const first = await open(repo.url);
    const before = await first.source.sync();
    await first.source.close();
    const again = await open(repo.url, first.stateDir);
    expect(plain(again.source.refs())).toEqual(plain(before));
    expect(again.source.refs().nonCommitTags).toEqual(before.nonCommitTags);
    expect(again.source.refs().defaultBranch).toBe("main");
  });

  it("read a commit's files after a fetch of only the new objects", async () => {
    const { repo, work } = await createRepoWithClone("incremental");
    cleanups.push(() => work.remove());
    await work.commitAndPush({ "kubefox.yaml": "one\n" }, "one");
    const { source } = await open(repo.url);
    await source.sync();
    const two = await work.commitAndPush(
      { "kubefox.yaml": "two\n", "apps/x/app.yaml": "x\n" },
      "two",
    );
    expect((await source.sync()).branches.get("main")).toBe(two);
    const tree = await source.tree(two);
    const read = await tree.read("kubefox.yaml", 1024);
    expect(read.kind === "file" && read.data.toString()).toBe("two\n");
    expect(await tree.list("apps")).toEqual([{ name: "x", type: "dir" }]);
  });

  it("keep few packs: past the limit, one full fetch replaces them all", async () => {
    const { repo, work } = await createRepoWithClone("compact");
    cleanups.push(() => work.remove());
    const { source, stateDir } = await open(repo.url, undefined, 2);
    const packs = async () =>
      (await readdir(path.join(await cloneDir(stateDir), "objects", "pack"))).filter((f) =>
        f.endsWith(".pack"),
      );
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(await work.commitAndPush({ "a.txt": `${i}\n` }, `${i}`));
      await source.sync();
    }
    expect(await packs()).toHaveLength(1);
    expect(plain(source.refs())).toEqual(await lsRemote(repo.url));
    for (const id of ids)
      expect((await (await source.tree(id)).read("a.txt", 10)).kind).toBe("file");
    await git(["fsck", "--strict", "--no-dangling"], await cloneDir(stateDir));
  });
});
