// Peak memory of a clone of a repository with a 300 MB pack of incompressible
// blobs (issue 16: the pack streams to disk as it is indexed; goal: peak RSS
// at most 60 MB above idle), beside `git clone --bare` of the same URL.
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { git } from "../hack/git/run.js";
import { startGitServer } from "../hack/git/server.js";
import { imageNodeFlags } from "./node-flags.js";

export interface PackMemoryResult {
  packMiB: number;
  idleMiB: number;
  peakMiB: number;
  aboveIdleMiB: number;
  cloneMs: number;
  nativeCloneMs: number;
}

export async function packMemoryBench(workDir: string, blobs = 300): Promise<PackMemoryResult> {
  const root = path.join(workDir, "served");
  await mkdir(root, { recursive: true });
  const server = await startGitServer({ root });
  try {
    const url = await server.createRepo("big");
    const bare = path.join(root, "big.git");
    const work = path.join(workDir, "work");
    await mkdir(work, { recursive: true });
    await git(["init", "--quiet", "--initial-branch=main", work]);
    for (let i = 0; i < blobs; i++)
      await writeFile(path.join(work, `blob-${i}.bin`), randomBytes(1024 * 1024));
    await git(["add", "."], work);
    await git(
      [
        "-c",
        "user.name=bench",
        "-c",
        "user.email=bench@example.com",
        "commit",
        "--quiet",
        "-m",
        "blobs",
      ],
      work,
    );
    await git(["push", "--quiet", bare, "main"], work);
    await git(["repack", "-a", "-d", "-q"], bare);
    const packKiB = Number(
      (await git(["count-objects", "-v"], bare)).match(/size-pack: (\d+)/)?.[1],
    );

    const child = await execa(
      "node",
      [
        ...(await imageNodeFlags()),
        "--import",
        "tsx",
        "bench/pack-memory-child.ts",
        url,
        path.join(workDir, "state"),
      ],
      { env: { ...process.env } },
    );
    const ours = JSON.parse(child.stdout.trim().split("\n").pop()!) as {
      idleMiB: number;
      peakMiB: number;
      ms: number;
    };
    const started = performance.now();
    await git(["clone", "--bare", "--quiet", url, path.join(workDir, "native.git")]);
    const nativeCloneMs = performance.now() - started;
    return {
      packMiB: Math.round(packKiB / 1024),
      idleMiB: Math.round(ours.idleMiB),
      peakMiB: Math.round(ours.peakMiB),
      aboveIdleMiB: Math.round(ours.peakMiB - ours.idleMiB),
      cloneMs: Math.round(ours.ms),
      nativeCloneMs: Math.round(nativeCloneMs),
    };
  } finally {
    await server.close();
  }
}

export function formatPackMemory(r: PackMemoryResult): string {
  return [
    `clone of a ${r.packMiB} MiB pack (incompressible blobs):`,
    `  peak RSS ${r.peakMiB} MiB, idle ${r.idleMiB} MiB: ${r.aboveIdleMiB} MiB above idle (goal <= 60)`,
    `  ${r.cloneMs} ms, git clone --bare ${r.nativeCloneMs} ms (${(r.cloneMs / r.nativeCloneMs).toFixed(2)}x)`,
  ].join("\n");
}
