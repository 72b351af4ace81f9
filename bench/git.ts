// The Git benchmark of issue #3: on a generated repository with 5,000 commits
// and 1,000 refs (500 branches, 500 tags) served by the test Git server,
//  - initial clone plus ref listing by our URL source, against `git clone
//    --bare` plus `git for-each-ref` in the same run (target: at most 3x);
//  - seeing one newly pushed commit by fetch (target: under 100 ms), beside
//    native `git fetch` of the same commit into the native clone.
// Medians over several runs, each after one untimed warm-up.
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { openUrlSource } from "../controller/source/url-source.js";
import { generateRepo } from "../hack/git/generate.js";
import { git } from "../hack/git/run.js";
import { startGitServerProcess } from "../hack/git/server-process.js";
import { WorkingCopy } from "../hack/git/working-copy.js";

export interface Timing {
  medianMs: number;
  runsMs: number[];
}

export interface Comparison {
  ours: Timing;
  native: Timing;
  /** ours / native, medians. */
  ratio: number;
}

export interface GitBenchResult {
  repository: { commits: number; branches: number; tags: number; objects: number };
  /** Clone + ref listing; target: ratio at most 3. */
  clone: Comparison & { targetRatio: number; firstColdMs: number };
  /** One new pushed commit seen by fetch; target: ours under 100 ms. */
  fetchOneCommit: Comparison & { targetMs: number };
}

const SHAPE = { commits: 5000, branches: 500, tags: 500 };

export async function gitBench(
  workDir: string,
  options = { cloneRuns: 5, fetchRuns: 20 },
): Promise<GitBenchResult> {
  const root = path.join(workDir, "served");
  await mkdir(root, { recursive: true });
  const server = await startGitServerProcess(root);
  try {
    const url = await server.createRepo("bench");
    const bare = path.join(root, "bench.git");
    await generateRepo(bare, SHAPE);
    // Like a hosted repository: one pack, packed refs.
    await git(["repack", "-a", "-d", "-q"], bare);
    await git(["pack-refs", "--all"], bare);
    const objects = Number((await git(["count-objects", "-v"], bare)).match(/in-pack: (\d+)/)?.[1]);

    const nativeDir = path.join(workDir, "native.git");
    const stateDir = path.join(workDir, "state");
    const nativeClone = async () => {
      await rm(nativeDir, { recursive: true, force: true });
      const started = performance.now();
      await git(["clone", "--bare", "--quiet", url, nativeDir]);
      await git(["for-each-ref"], nativeDir);
      return performance.now() - started;
    };
    const ourClone = async () => {
      await rm(stateDir, { recursive: true, force: true });
      const started = performance.now();
      const source = await openUrlSource({ url, stateDir });
      const refs = await source.sync();
      const elapsed = performance.now() - started;
      await source.close();
      if (refs.branches.size !== SHAPE.branches + 1 || refs.tags.size !== SHAPE.tags) {
        throw new Error(`clone listed ${refs.branches.size} branches and ${refs.tags.size} tags`);
      }
      return elapsed;
    };
    const firstColdMs = await ourClone();
    await nativeClone();
    const cloneOurs: number[] = [];
    const cloneNative: number[] = [];
    for (let i = 0; i < options.cloneRuns; i++) {
      cloneNative.push(await nativeClone());
      cloneOurs.push(await ourClone());
    }

    // One clone of each kept up to date; a working copy pushes one commit at a time.
    await nativeClone();
    const source = await openUrlSource({ url, stateDir });
    await source.sync();
    const work = await WorkingCopy.clone(url);
    const fetchOurs: number[] = [];
    const fetchNative: number[] = [];
    try {
      for (let i = 0; i <= options.fetchRuns; i++) {
        const id = await work.commitAndPush({ "bench.txt": `push ${i}\n` }, `push ${i}`);
        let started = performance.now();
        const refs = await source.sync();
        const ours = performance.now() - started;
        if (refs.branches.get("main") !== id)
          throw new Error("the fetch did not see the pushed commit");
        started = performance.now();
        await git(
          [
            "fetch",
            "--quiet",
            "--prune",
            "origin",
            "+refs/heads/*:refs/heads/*",
            "+refs/tags/*:refs/tags/*",
          ],
          nativeDir,
        );
        const native = performance.now() - started;
        if (i === 0) continue; // warm-up
        fetchOurs.push(ours);
        fetchNative.push(native);
      }
    } finally {
      await work.remove();
      await source.close();
    }

    return {
      repository: { ...SHAPE, objects },
      clone: {
        ...compare(cloneOurs, cloneNative),
        targetRatio: 3,
        firstColdMs: round(firstColdMs),
      },
      fetchOneCommit: { ...compare(fetchOurs, fetchNative), targetMs: 100 },
    };
  } finally {
    await server.close();
  }
}

export function formatGitBench(r: GitBenchResult): string {
  const row = (name: string, c: Comparison, target: string) =>
    `${name.padEnd(34)} ${fmt(c.ours.medianMs)} ${fmt(c.native.medianMs)} ${c.ratio.toFixed(2).padStart(6)}x   ${target}`;
  return [
    `Git: ${r.repository.commits} commits, ${r.repository.branches} branches, ${r.repository.tags} tags, ${r.repository.objects} objects`,
    `${"".padEnd(34)} ${"ours".padStart(9)} ${"native".padStart(9)} ${"ratio".padStart(7)}   target`,
    row("clone + ref listing (median)", r.clone, `ratio <= ${r.clone.targetRatio}`),
    row(
      "fetch of one pushed commit (median)",
      r.fetchOneCommit,
      `ours < ${r.fetchOneCommit.targetMs} ms`,
    ),
    `first clone in a cold process: ${r.clone.firstColdMs} ms`,
  ].join("\n");
}

function compare(ours: number[], native: number[]): Comparison {
  const o = timing(ours);
  const n = timing(native);
  return { ours: o, native: n, ratio: Number((o.medianMs / n.medianMs).toFixed(2)) };
}

function timing(runs: number[]): Timing {
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { medianMs: round(median), runsMs: runs.map(round) };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function fmt(ms: number): string {
  return `${ms.toFixed(1)} ms`.padStart(9);
}
