// What native Git says about a repository, and repositories built to be hard
// to read right: packed and loose refs, names with `/` and non-ASCII, tags of
// tags, tags of a blob and of a tree, a symlink and a submodule.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { git } from "../../hack/git/run.js";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import type { RefMap } from "../../controller/source/types.js";

export interface PlainRefs {
  branches: Record<string, string>;
  tags: Record<string, string>;
}

export function plain(refs: RefMap): PlainRefs {
  return { branches: Object.fromEntries(refs.branches), tags: Object.fromEntries(refs.tags) };
}

/**
 * `git for-each-ref` of a local repository, tags fully peeled. Its
 * `%(*objectname)` peels one level only (git 2.39: a tag of a tag shows the
 * inner tag), so those are peeled the rest of the way with `rev-parse X^{}`.
 */
export async function forEachRef(dir: string): Promise<PlainRefs> {
  const out = await git(
    [
      "for-each-ref",
      "--format=%(objectname) %(objecttype) %(*objectname) %(*objecttype) %(refname)",
      "refs/heads",
      "refs/tags",
    ],
    dir,
  );
  const refs: PlainRefs = { branches: {}, tags: {} };
  for (const line of out.split("\n").filter(Boolean)) {
    const [oid, , peeled, peeledType, ...rest] = line.split(" ");
    const name = rest.join(" ");
    if (name.startsWith("refs/heads/")) refs.branches[name.slice(11)] = oid!;
    else {
      let id = peeled || oid!;
      if (peeledType === "tag") id = await git(["rev-parse", `${name}^{}`], dir);
      refs.tags[name.slice(10)] = id;
    }
  }
  return refs;
}

export async function tempDir(
  prefix: string,
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `kubefox-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Fills a working copy with refs of every kind. Returns named commits. Nothing
 * is pushed; `push` sends every branch and tag when the copy has a remote.
 */
export async function makeTrickyRefs(
  work: WorkingCopy,
  options: { push: boolean },
): Promise<Record<string, string>> {
  const commit = async (files: Record<string, string>, message: string) => {
    await work.write(files);
    return work.commit(message);
  };
  const first = await commit({ "kubefox.yaml": "kind: System\n" }, "first");
  await work.tag("v1.0.0", { annotated: true });
  await work.tag("light");
  await work.git("tag", "-a", "-m", "nested", "nested", "v1.0.0"); // a tag of a tag
  await work.git("tag", "-a", "-m", "nested twice", "nested2", "nested");
  const blob = await work.git("rev-parse", "HEAD:kubefox.yaml");
  await work.git("tag", "blob-tag", blob);
  await work.git("tag", "-a", "-m", "annotated blob", "blob-annotated", blob);
  await work.git("tag", "tree-tag", "HEAD^{tree}");
  await work.git("checkout", "--quiet", "-b", "feature/ünïcode");
  const second = await commit({ "apps/a/app.yaml": "kind: App\n" }, "second");
  await work.git("tag", "release/v2.0.0");
  await work.git("checkout", "--quiet", "-b", "deep/a/b/c");
  const third = await commit({ "x.txt": "x\n" }, "third");
  await work.git("checkout", "--quiet", "main");
  await work.git("tag", "-a", "-m", "日本", "タグ/v3.0.0", second);
  if (options.push) {
    await work.git("push", "--quiet", "origin", "--all");
    await work.git("push", "--quiet", "origin", "--tags");
  }
  return { first, second, third };
}
