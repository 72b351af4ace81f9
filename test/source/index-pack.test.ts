// Our pack indexer (Node's zlib and crypto) against `git index-pack`: for the
// same pack, the idx files are byte for byte the same, with offset deltas,
// with ref deltas, and when deltas must be inflated again past the memory
// budget. A damaged pack is refused.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CorruptObjectError } from "../../controller/source/git/delta.js";
import { indexPack } from "../../controller/source/git/index-pack.js";
import { generateRepo } from "../../hack/git/generate.js";
import { git } from "../../hack/git/run.js";
import { tempDir } from "./native.js";

let dir: string;
let remove: () => Promise<void>;

beforeAll(async () => {
  ({ dir, remove } = await tempDir("index-pack"));
  await git(["init", "--bare", "--quiet", path.join(dir, "repo.git")]);
  await generateRepo(path.join(dir, "repo.git"), { commits: 400, branches: 20, tags: 20 });
});
afterAll(() => remove());

/** A pack of the whole repository made by git pack-objects with `options`. */
async function packWith(options: string[]): Promise<Buffer> {
  const revs = await git(["rev-list", "--objects", "--all"], path.join(dir, "repo.git"));
  const { stdout } = await execa("git", ["pack-objects", "--stdout", ...options], {
    cwd: path.join(dir, "repo.git"),
    input: revs
      .split("\n")
      .map((l) => l.split(" ")[0])
      .join("\n"),
    encoding: "buffer",
  });
  return Buffer.from(stdout);
}

async function gitIdx(pack: Buffer): Promise<Buffer> {
  const file = path.join(dir, `p-${Date.now()}.pack`);
  await writeFile(file, pack);
  await git(["index-pack", file]);
  return readFile(file.replace(/\.pack$/, ".idx"));
}

describe("indexPack", () => {
  it.each([
    ["offset deltas", ["--delta-base-offset"], undefined],
    ["ref deltas", [], undefined],
    ["a memory budget too small to keep anything", ["--delta-base-offset"], 1024],
  ])("writes the idx git index-pack writes, with %s", async (_what, options, budget) => {
    const pack = await packWith(options);
    const ours = await indexPack(pack, budget);
    expect(ours.objects.length).toBe(pack.readUInt32BE(8));
    expect(ours.idx.equals(await gitIdx(pack))).toBe(true);
  });

  it.each([
    [
      "a flipped byte",
      (p: Buffer) =>
        Buffer.concat([p.subarray(0, 100), Buffer.of(p[100]! ^ 0xff), p.subarray(101)]),
      "checksum does not match",
    ],
    ["a cut", (p: Buffer) => p.subarray(0, p.length - 100), "checksum does not match"],
    ["no pack at all", () => Buffer.from("not a pack, just some text to fill it up"), "not a pack"],
  ])("refuses a pack with %s", async (_what, damage, message) => {
    const err = await indexPack(damage(await packWith(["--delta-base-offset"]))).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CorruptObjectError);
    expect((err as Error).message).toContain(message);
  });
});
