// Puts a received, indexed pack into a repository's objects/pack. The pack goes
// first and its idx last: readers (ours and isomorphic-git) only look at packs
// that have an idx, so they never see half of one.
import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import type { IndexedPack } from "./index-pack.js";

/** Stores the pack; returns its file name without extension (`pack-<checksum>`). */
export async function storePack(
  gitdir: string,
  pack: Buffer,
  indexed: IndexedPack,
): Promise<string> {
  const dir = path.join(gitdir, "objects", "pack");
  const name = `pack-${indexed.checksum}`;
  await mkdir(dir, { recursive: true });
  if (await stat(path.join(dir, `${name}.idx`)).catch(() => undefined)) return name;
  await writeFileAtomic(path.join(dir, `${name}.pack`), pack);
  await writeFileAtomic(path.join(dir, `${name}.idx`), indexed.idx);
  return name;
}
