import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FsTree } from "./fs-tree.js";

let dir: string;
let tree: FsTree;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "fs-tree-"));
  const root = path.join(dir, "repo");
  await mkdir(path.join(root, "apps", "web"), { recursive: true });
  await writeFile(path.join(root, "kubefox.yaml"), "kind: System\n");
  await writeFile(path.join(root, "apps", "web", "app.yaml"), "kind: App\n");
  await writeFile(path.join(root, "big.yaml"), "x".repeat(2000));
  await writeFile(path.join(dir, "secret.txt"), "outside the tree\n");
  await symlink(path.join(dir, "secret.txt"), path.join(root, "escape.yaml"));
  await symlink("kubefox.yaml", path.join(root, "inside-link.yaml"));
  await symlink(dir, path.join(root, "linked-dir"));
  execFileSync("mkfifo", [path.join(root, "pipe.yaml")]);
  await symlink(root, path.join(dir, "root-link"));
  tree = new FsTree(root);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("FsTree.list", () => {
  it("lists entries in name order with their types, links as links", async () => {
    expect(await tree.list("")).toEqual([
      { name: "apps", type: "dir" },
      { name: "big.yaml", type: "file" },
      { name: "escape.yaml", type: "symlink" },
      { name: "inside-link.yaml", type: "symlink" },
      { name: "kubefox.yaml", type: "file" },
      { name: "linked-dir", type: "symlink" },
      { name: "pipe.yaml", type: "other" },
    ]);
    expect(await tree.list("apps/web")).toEqual([{ name: "app.yaml", type: "file" }]);
  });

  it.each(["missing", "kubefox.yaml", "linked-dir", "linked-dir/repo"])(
    "%s is not a folder to list",
    async (p) => {
      expect(await tree.list(p)).toBeUndefined();
    },
  );
});

describe("FsTree.read", () => {
  it("reads a file", async () => {
    const read = await tree.read("apps/web/app.yaml", 1000);
    expect(read.kind === "file" && read.data.toString()).toBe("kind: App\n");
  });

  it.each([
    ["missing.yaml", { kind: "missing" }],
    ["apps/missing/app.yaml", { kind: "missing" }],
    ["kubefox.yaml/x", { kind: "missing" }],
    ["apps", { kind: "not-a-file", type: "dir" }],
    ["escape.yaml", { kind: "not-a-file", type: "symlink" }],
    ["inside-link.yaml", { kind: "not-a-file", type: "symlink" }],
    ["linked-dir/secret.txt", { kind: "not-a-file", type: "symlink" }],
    ["pipe.yaml", { kind: "not-a-file", type: "other" }],
    ["big.yaml", { kind: "too-large", size: 2000 }],
  ])("%s → %j", async (p, result) => {
    expect(await tree.read(p, 1000)).toEqual(result);
  });

  it.each(["../secret.txt", "apps/../../secret.txt", "/etc/passwd", "a\0b"])(
    "refuses %j",
    async (p) => {
      await expect(tree.read(p, 1000)).rejects.toThrow(/not inside the tree/);
      await expect(tree.list(p)).rejects.toThrow(/not inside the tree/);
    },
  );

  it("reads through a root that is itself a link", async () => {
    const linked = new FsTree(path.join(dir, "root-link"));
    const read = await linked.read("kubefox.yaml", 1000);
    expect(read.kind).toBe("file");
  });
});
