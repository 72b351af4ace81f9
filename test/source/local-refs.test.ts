// A path source reads a repository where it is: its ref map equals `git
// for-each-ref` (tags fully peeled) for a work tree, a bare repository, a
// linked worktree, packed and loose refs, and a symbolic ref.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SourceError } from "../../controller/errors.js";
import { openLocalSource } from "../../controller/source/local-source.js";
import type { GitSource } from "../../controller/source/types.js";
import { git } from "../../hack/git/run.js";
import { WorkingCopy } from "../../hack/git/working-copy.js";
import { forEachRef, makeTrickyRefs, plain, tempDir } from "./native.js";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function workTree(): Promise<{
  work: WorkingCopy;
  dir: string;
  commits: Record<string, string>;
}> {
  const tmp = await tempDir("local");
  cleanups.push(tmp.remove);
  const work = await WorkingCopy.init(path.join(tmp.dir, "repo"));
  const commits = await makeTrickyRefs(work, { push: false });
  return { work, dir: work.dir, commits };
}

async function open(dir: string): Promise<GitSource> {
  const source = await openLocalSource({ path: dir });
  cleanups.push(() => source.close());
  return source;
}

describe("a path source's refs", () => {
  it("equal git for-each-ref in a work tree, loose and packed, with tags of tags, blobs and trees", async () => {
    const { work, dir, commits } = await workTree();
    const loose = await open(dir);
    expect(plain(loose.refs())).toEqual(await forEachRef(dir));
    expect(loose.refs().tags.get("nested2")).toBe(commits.first);
    expect(Object.fromEntries(loose.refs().nonCommitTags)).toEqual({
      "blob-tag": "blob",
      "blob-annotated": "blob",
      "tree-tag": "tree",
    });
    expect(loose.refs().defaultBranch).toBe("main");

    await work.git("pack-refs", "--all");
    await work.git("tag", "-a", "-m", "after packing", "v4.0.0", commits.third!);
    await work.git("branch", "--force", "deep/a/b/c", commits.first!); // a loose ref shadowing a packed one
    const packed = await open(dir);
    expect(plain(packed.refs())).toEqual(await forEachRef(dir));
    expect(packed.refs().branches.get("deep/a/b/c")).toBe(commits.first);
    expect(packed.refs().tags.get("v4.0.0")).toBe(commits.third);
  });

  it("equal git for-each-ref in a bare repository after gc, and follow a symbolic ref", async () => {
    const { dir } = await workTree();
    const bare = `${dir}.git`;
    await git(["clone", "--quiet", "--bare", "--no-local", dir, bare]);
    await git(["gc", "--quiet"], bare);
    await git(["symbolic-ref", "refs/heads/alias", "refs/heads/feature/ünïcode"], bare);
    const source = await open(bare);
    expect(plain(source.refs())).toEqual(await forEachRef(bare));
    expect(source.refs().branches.get("alias")).toBe(source.refs().branches.get("feature/ünïcode"));
  });

  it("read a linked worktree through its common dir, with its own HEAD", async () => {
    const { work, dir } = await workTree();
    const linked = `${dir}-linked`;
    await work.git("worktree", "add", "--quiet", "-b", "linked", linked);
    cleanups.push(() => git(["worktree", "remove", "--force", linked], dir).then(() => undefined));
    const source = await open(linked);
    expect(plain(source.refs())).toEqual(await forEachRef(dir));
    expect(source.refs().defaultBranch).toBe("linked");
  });

  it.each([
    [
      "a SHA-256 repository",
      ["init", "--quiet", "--object-format=sha256"],
      "SHA-256 repositories are not supported",
    ],
    [
      "a repository borrowing objects",
      ["clone", "--quiet", "--shared"],
      "repositories that borrow objects from another (git clone --shared or --reference) are not supported",
    ],
  ])("refuse %s, saying why", async (_what, command, message) => {
    const { dir } = await workTree();
    const other = `${dir}-other`;
    await git(command[0] === "clone" ? [...command, dir, other] : [...command, other]);
    const err = await openLocalSource({ path: other }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as Error).message).toBe(`source ${other}: ${message}`);
  });

  it("report a folder that is not a repository", async () => {
    const tmp = await tempDir("not-a-repo");
    cleanups.push(tmp.remove);
    const err = await openLocalSource({ path: tmp.dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as Error).message).toBe(
      `source ${tmp.dir}: not a Git repository (no .git, and not a bare repository)`,
    );
  });
});
