// A path source watches its refs: a commit, a tag, a deleted branch or a
// `git pack-refs` made with the real git client is seen within a second, once
// per change, and nothing is reported after close.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openLocalSource } from "../../controller/source/local-source.js";
import type { GitSource, RefMap } from "../../controller/source/types.js";
import { WorkingCopy } from "../../hack/git/working-copy.js";
import { tempDir } from "./native.js";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A watched repository and the ref maps its onChange received. */
async function watched(
  debounceMs?: number,
): Promise<{ work: WorkingCopy; source: GitSource; changes: RefMap[] }> {
  const tmp = await tempDir("watch");
  cleanups.push(tmp.remove);
  const work = await WorkingCopy.init(path.join(tmp.dir, "repo"));
  await work.write({ "kubefox.yaml": "one\n" });
  await work.commit("one");
  const changes: RefMap[] = [];
  const source = await openLocalSource({
    path: work.dir,
    onChange: (refs) => changes.push(refs),
    debounceMs,
  });
  cleanups.push(() => source.close());
  return { work, source, changes };
}

/** Waits until `changes` has a map satisfying `check`; returns how long that took. */
async function seen(changes: RefMap[], check: (refs: RefMap) => boolean): Promise<number> {
  const started = Date.now();
  while (!changes.some(check)) {
    if (Date.now() - started > 5000) throw new Error("change not seen within 5 s");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - started;
}

describe("a watched path source", () => {
  it("sees a new commit and a new tag within a second", async () => {
    const { work, source, changes } = await watched();
    await work.write({ "kubefox.yaml": "two\n" });
    const two = await work.commit("two");
    expect(await seen(changes, (r) => r.branches.get("main") === two)).toBeLessThan(1000);
    expect(source.refs().branches.get("main")).toBe(two);

    await work.tag("v1.0.0", { annotated: true });
    expect(await seen(changes, (r) => r.tags.get("v1.0.0") === two)).toBeLessThan(1000);
  });

  it("sees the last of two ref updates made milliseconds apart", async () => {
    // A short debounce reads the refs between the two updates; the file
    // watcher drops the second change (it throttles a file's changes for
    // 50 ms), and the second update must still be seen.
    const { work, changes } = await watched(5);
    await work.write({ "kubefox.yaml": "two\n" });
    const two = await work.commit("two");
    const one = await work.git("rev-parse", "HEAD~1");
    await seen(changes, (r) => r.branches.get("main") === two);
    for (let round = 0; round < 3; round++) {
      await work.git("update-ref", "refs/heads/main", one);
      await work.git("update-ref", "refs/heads/main", two);
      // Whatever was reported in between, the last word must be the truth.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(changes.at(-1)?.branches.get("main")).toBe(two);
    }
  });

  it("sees a branch deleted from packed-refs, and stays quiet when only the storage changes", async () => {
    const { work, changes } = await watched();
    await work.git("branch", "doomed");
    await seen(changes, (r) => r.branches.has("doomed"));
    await work.git("pack-refs", "--all");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const afterPacking = changes.length;
    await work.git("branch", "--delete", "doomed");
    expect(await seen(changes, (r) => !r.branches.has("doomed"))).toBeLessThan(1000);
    expect(changes.length).toBe(afterPacking + 1);
    expect(changes.at(-2)?.branches.has("doomed")).toBe(true);
  });

  it("reports nothing after close", async () => {
    const { work, source, changes } = await watched();
    await source.close();
    await work.write({ "kubefox.yaml": "after close\n" });
    await work.commit("after close");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(changes).toEqual([]);
  });
});
