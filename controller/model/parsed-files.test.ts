import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../errors.js";
import { loadControl } from "./load-control.js";
import { loadSystem } from "./load-system.js";
import { MemoryTree } from "./memory-tree.js";
import { ParsedFiles } from "./parsed-files.js";
import type { ReadResult } from "./tree.js";

/** A MemoryTree that names each file's content by its hash, as a commit's tree does, and counts reads. */
class CountingTree extends MemoryTree {
  reads: string[] = [];

  constructor(
    private readonly files: Record<string, string>,
    readonly parsed?: ParsedFiles,
  ) {
    super(files);
  }

  override async read(file: string, maxBytes: number): Promise<ReadResult> {
    this.reads.push(file);
    return super.read(file, maxBytes);
  }

  async blobId(file: string): Promise<string | undefined> {
    const text = this.files[file];
    return text === undefined ? undefined : createHash("sha1").update(text).digest("hex");
  }
}

const doc = (kind: string, name: string, spec: string) =>
  `apiVersion: kubefox.io/v1alpha1\nkind: ${kind}\nmetadata: {name: ${name}}\nspec: ${spec}\n`;

const control: Record<string, string> = {
  "environments/dev.yaml": doc("Environment", "dev", "{vars: {region: eu}}"),
  ...Object.fromEntries(
    Array.from({ length: 20 }, (_, i) => [
      `platforms/p${i}.yaml`,
      doc("Platform", `p${i}`, `{namespace: ns-${i}, deployments: [{ref: branch/p${i}}]}`),
    ]),
  ),
};

describe("ParsedFiles", () => {
  it("reads again only the files a new commit changed, with the same model as an uncached load", async () => {
    const parsed = new ParsedFiles();
    await loadControl(new CountingTree(control, parsed));
    const next = {
      ...control,
      "platforms/p3.yaml": doc("Platform", "p3", "{namespace: moved, deployments: []}"),
      "README.md": "docs\n",
    };
    const tree = new CountingTree(next, parsed);
    const cached = await loadControl(tree);
    expect(tree.reads).toEqual(["platforms/p3.yaml"]);
    expect(cached).toEqual(await loadControl(new MemoryTree(next)));
    expect(cached.model.platforms["p3"]!.spec.namespace).toBe("moved");
  });

  it("keeps a file's problems as well as its document", async () => {
    const parsed = new ParsedFiles();
    const broken = { ...control, "platforms/p1.yaml": doc("Platform", "p1", "{namespace: 7}") };
    const first = await loadControl(new CountingTree(broken, parsed));
    const tree = new CountingTree(broken, parsed);
    const again = await loadControl(tree);
    expect(tree.reads).toEqual([]);
    expect(again.problems.map(formatProblem)).toEqual(first.problems.map(formatProblem));
    expect(again.problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^platforms\/p1\.yaml:\d+:\d+: /),
    ]);
  });

  it("tells the same bytes at another path, or for another expected name, apart", async () => {
    const parsed = new ParsedFiles();
    const text = doc("Platform", "a", "{namespace: a}");
    await loadControl(new CountingTree({ "platforms/a.yaml": text }, parsed));
    const renamed = await loadControl(new CountingTree({ "platforms/b.yaml": text }, parsed));
    expect(renamed.problems.map(formatProblem)).toEqual([
      expect.stringContaining("platforms/b.yaml"),
    ]);
  });

  it("shares an app's file between the commits that hold it", async () => {
    const parsed = new ParsedFiles();
    const system = {
      "kubefox.yaml": doc("System", "shop", "{title: Shop}"),
      "apps/store/app.yaml": doc(
        "App",
        "store",
        "{title: Store, components: {web: {image: 'ghcr.io/acme/web:1'}}}",
      ),
    };
    await loadSystem(new CountingTree(system, parsed));
    const tree = new CountingTree({ ...system, "NOTES.md": "x\n" }, parsed);
    const loaded = await loadSystem(tree);
    expect(loaded.ok).toBe(true);
    expect(tree.reads).toEqual([]);
  });

  it("forgets the least recently used past its limit, and a failed load at once", async () => {
    const files = new ParsedFiles(2);
    let made = 0;
    const make = async () => ++made;
    await files.get("a", make);
    await files.get("b", make);
    await files.get("a", make); // a is now the most recent
    await files.get("c", make); // b goes
    expect(await files.get("a", make)).toBe(1);
    expect(await files.get("b", make)).toBe(4);
    await expect(files.get("d", () => Promise.reject(new Error("no")))).rejects.toThrow("no");
    expect(await files.get("d", make)).toBe(5);
    expect(files.size).toBe(2);
  });
});
