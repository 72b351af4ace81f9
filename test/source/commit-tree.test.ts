// Reading a system at a commit straight from Git objects: folders and files as
// the loader sees them, symlinks and submodules reported and never followed, a
// huge blob refused from its header, blob ids and commit lookups as native git
// gives them, for packed (deltified) and loose objects alike.
import { readdir, symlink } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execa } from "execa";
import { RefNotFoundError, SourceError } from "../../controller/errors.js";
import { openLocalSource } from "../../controller/source/local-source.js";
import { resolveRef } from "../../controller/source/refs.js";
import type { GitSource } from "../../controller/source/types.js";
import { git } from "../../hack/git/run.js";
import { WorkingCopy } from "../../hack/git/working-copy.js";
import { tempDir } from "./native.js";

let work: WorkingCopy;
let source: GitSource;
let head: string;
let first: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const tmp = await tempDir("tree");
  cleanups.push(tmp.remove);
  const sub = await WorkingCopy.init(path.join(tmp.dir, "sub"));
  await sub.write({ "README.md": "a submodule\n" });
  await sub.commit("sub");

  work = await WorkingCopy.init(path.join(tmp.dir, "repo"));
  const yaml = Array.from({ length: 200 }, (_, i) => `key${i}: value ${i}\n`).join("");
  await work.write({ "kubefox.yaml": yaml, "apps/store/app.yaml": "kind: App\n" });
  first = await work.commit("first");
  // A small change to a big file: after gc it is stored as a delta.
  await work.write({
    "kubefox.yaml": `${yaml}extra: true\n`,
    "apps/store/app.yaml": "kind: App\nspec: {}\n",
    "manifests/a/b/cm.yaml": "kind: ConfigMap\n",
    "big.bin": "\0".repeat(20 * 1024 * 1024),
  });
  await symlink("../kubefox.yaml", path.join(work.dir, "apps", "link.yaml"));
  await symlink("store", path.join(work.dir, "apps", "linked-dir"));
  await work.git(
    "-c",
    "protocol.file.allow=always",
    "submodule",
    "add",
    "--quiet",
    sub.dir,
    "apps/sub",
  );
  head = await work.commit("second");
  await work.git("gc", "--quiet", "--aggressive");
  const packed = await git(["verify-pack", "-v", ...(await packIndexes(work.dir))], work.dir);
  const olderBlob = await git(["rev-parse", `${first}:kubefox.yaml`], work.dir);
  if (!new RegExp(`^${olderBlob} blob +\\d+ \\d+ \\d+ \\d+ [0-9a-f]{40}$`, "m").test(packed)) {
    throw new Error("setup: the older kubefox.yaml should be stored as a delta");
  }

  source = await openLocalSource({ path: work.dir });
  cleanups.push(() => source.close());
});

async function packIndexes(dir: string): Promise<string[]> {
  const packDir = path.join(dir, ".git", "objects", "pack");
  return (await readdir(packDir))
    .filter((f) => f.endsWith(".idx"))
    .map((f) => path.join(packDir, f));
}

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe("the tree of a commit", () => {
  it("lists folders with the type of each entry", async () => {
    const tree = await source.tree(head);
    expect(tree.label).toBe(`commit ${head.slice(0, 7)}`);
    expect(await tree.list("apps")).toEqual([
      { name: "link.yaml", type: "symlink" },
      { name: "linked-dir", type: "symlink" },
      { name: "store", type: "dir" },
      { name: "sub", type: "other" },
    ]);
    expect(await tree.list("")).toContainEqual({ name: "manifests", type: "dir" });
    expect(await tree.list("manifests/a/b")).toEqual([{ name: "cm.yaml", type: "file" }]);
    expect(await tree.list("nope")).toBeUndefined();
    expect(await tree.list("kubefox.yaml")).toBeUndefined();
    expect(await tree.list("apps/linked-dir")).toBeUndefined(); // a symlink is not entered
  });

  it("reads files, including deltified ones, and says what the rest are", async () => {
    const tree = await source.tree(head);
    const yaml = await tree.read("kubefox.yaml", 1 << 20);
    expect(yaml.kind === "file" && yaml.data.toString()).toBe(
      (await git(["show", `${head}:kubefox.yaml`], work.dir)) + "\n",
    );
    const app = await tree.read("apps/store/app.yaml", 100);
    expect(app.kind === "file" && app.data.toString()).toBe("kind: App\nspec: {}\n");
    expect(await tree.read("apps/link.yaml", 100)).toEqual({ kind: "not-a-file", type: "symlink" });
    expect(await tree.read("apps/sub", 100)).toEqual({ kind: "not-a-file", type: "other" });
    expect(await tree.read("apps/store", 100)).toEqual({ kind: "not-a-file", type: "dir" });
    expect(await tree.read("apps/linked-dir/app.yaml", 100)).toEqual({ kind: "missing" });
    expect(await tree.read("apps/nope.yaml", 100)).toEqual({ kind: "missing" });
    expect(await tree.read("../outside", 100)).toEqual({ kind: "missing" });
  });

  it("refuses a blob over the limit from its size alone", async () => {
    const tree = await source.tree(head);
    const size = Number(await git(["cat-file", "-s", `${head}:big.bin`], work.dir));
    expect(await tree.read("big.bin", 1 << 20)).toEqual({ kind: "too-large", size });
    const yamlSize = Number(await git(["cat-file", "-s", `${head}:kubefox.yaml`], work.dir));
    expect(await tree.read("kubefox.yaml", yamlSize - 1)).toEqual({
      kind: "too-large",
      size: yamlSize,
    });
    expect((await tree.read("kubefox.yaml", yamlSize)).kind).toBe("file");
    // The older version is stored as a delta: its size comes from the delta's header.
    const older = await source.tree(first);
    const olderSize = Number(await git(["cat-file", "-s", `${first}:kubefox.yaml`], work.dir));
    expect(olderSize).not.toBe(yamlSize);
    expect(await older.read("kubefox.yaml", 10)).toEqual({ kind: "too-large", size: olderSize });
  });

  it("gives the blob id native git gives, for plain files only", async () => {
    for (const file of ["kubefox.yaml", "apps/store/app.yaml", "manifests/a/b/cm.yaml"]) {
      expect(await source.blobId(head, file)).toBe(
        await git(["rev-parse", `${head}:${file}`], work.dir),
      );
    }
    expect(await source.blobId(first, "kubefox.yaml")).toBe(
      await git(["rev-parse", `${first}:kubefox.yaml`], work.dir),
    );
    expect(await source.blobId(head, "apps/link.yaml")).toBeUndefined();
    expect(await source.blobId(head, "apps")).toBeUndefined();
  });
});

describe("the tree of a commit not yet packed", () => {
  it("reads loose objects, small and compressible ones included, with their sizes", async () => {
    const tmp = await tempDir("loose");
    cleanups.push(tmp.remove);
    const loose = await WorkingCopy.init(path.join(tmp.dir, "repo"));
    const files = {
      "kubefox.yaml": "apiVersion: kubefox.io/v1alpha1\nkind: System\nmetadata: {name: demo}\n",
      "apps/a/app.yaml": "replicas: 2\n".repeat(40),
      "big.txt": "x: ".repeat(20_000),
    };
    await loose.write(files);
    const commit = await loose.commit("loose");
    const looseSource = await openLocalSource({ path: loose.dir });
    cleanups.push(() => looseSource.close());
    const tree = await looseSource.tree(commit);
    for (const [file, content] of Object.entries(files)) {
      const read = await tree.read(file, 1 << 20);
      expect(read.kind === "file" && read.data.toString()).toBe(content);
      expect(await tree.read(file, content.length - 1)).toEqual({
        kind: "too-large",
        size: content.length,
      });
    }
  });
});

describe("commits", () => {
  it("resolve by full id or a unique prefix, and list newest first", async () => {
    expect((await resolveRef(`id/${head}`, source.refs(), (p) => source.findCommits(p))).id).toBe(
      head,
    );
    expect(
      (await resolveRef(`id/${first.slice(0, 7)}`, source.refs(), (p) => source.findCommits(p))).id,
    ).toBe(first);
    expect((await source.log(head, 10)).map((c) => [c.id, c.subject])).toEqual([
      [head, "second"],
      [first, "first"],
    ]);
  });

  it("are never confused with other objects", async () => {
    const blob = await git(["rev-parse", `${head}:kubefox.yaml`], work.dir);
    expect(await source.findCommits(blob.slice(0, 10))).toEqual([]);
    const err = await source.tree(blob).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RefNotFoundError);
    expect((err as Error).message).toBe(`ref id/${blob}: is a blob, not a commit`);
    const missing = "0".repeat(40);
    expect(((await source.tree(missing).catch((e: unknown) => e)) as Error).message).toBe(
      `ref id/${missing}: no such commit in ${work.dir}`,
    );
  });
});

describe("a hostile repository", () => {
  /** A commit of a tree written byte for byte, bypassing git's checks. */
  async function commitOfTree(treeBytes: Buffer): Promise<string> {
    const { stdout: tree } = await execa(
      "git",
      ["hash-object", "-t", "tree", "--literally", "-w", "--stdin"],
      {
        cwd: work.dir,
        input: treeBytes,
      },
    );
    return git(["commit-tree", tree, "-m", "hostile"], work.dir);
  }
  const entry = (mode: string, name: string, oid: string) =>
    Buffer.concat([Buffer.from(`${mode} ${name}\0`), Buffer.from(oid, "hex")]);

  it("reports a missing blob and a tree where a file should be as source errors", async () => {
    const treeId = await git(["rev-parse", `${head}:apps`], work.dir);
    const commit = await commitOfTree(
      Buffer.concat([
        entry("100644", "gone.yaml", "1".repeat(40)),
        entry("100644", "kubefox.yaml", treeId),
      ]),
    );
    const tree = await source.tree(commit);
    const missing = await tree.read("gone.yaml", 100).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(SourceError);
    expect((missing as Error).message).toBe(
      `source ${work.dir}: blob ${"1".repeat(40)} is missing from the repository`,
    );
    const notBlob = await tree.read("kubefox.yaml", 100).catch((e: unknown) => e);
    expect((notBlob as Error).message).toBe(
      `source ${work.dir}: ${treeId} is a tree where a file should be`,
    );
  });

  it("refuses a tree with names like .. as a whole, and throws nothing but SourceErrors", async () => {
    const blob = await git(["rev-parse", `${head}:kubefox.yaml`], work.dir);
    const rootTree = await git(["rev-parse", `${head}^{tree}`], work.dir);
    const commit = await commitOfTree(
      Buffer.concat([entry("40000", "..", rootTree), entry("100644", "a", blob)]),
    );
    const unsafe = await (await source.tree(commit)).list("").catch((e: unknown) => e);
    expect(unsafe).toBeInstanceOf(SourceError);
    expect((unsafe as Error).message).toContain("unsafe");

    const garbage = await commitOfTree(Buffer.from("this is not a tree at all"));
    const err = await (await source.tree(garbage)).list("").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
  });
});
