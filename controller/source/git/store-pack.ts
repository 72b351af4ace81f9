// Puts a pack arriving from a server into a repository's objects/pack, indexed
// as it streams in: written to a temporary file there, then renamed to its
// name once its idx is built, and the idx written last. Readers (ours and
// isomorphic-git) only look at packs that have an idx, so they never see half
// of one, and a fetch that fails leaves nothing behind.
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import { indexPackStream, type IndexedPack } from "./index-pack.js";
import { defaultPackLimits, type PackLimits } from "./limits.js";
import type { ObjectStore } from "./object-store.js";

export interface StoredPack extends IndexedPack {
  /** Its file name without extension (`pack-<checksum>`). */
  name: string;
}

/**
 * Indexes and stores the pack whose bytes `chunks` yields (band 1 of an
 * upload-pack response, over any transport), within `limits`. Resolves to
 * undefined when there were no bytes; the store sees the new pack at once.
 */
export async function storePackStream(
  store: ObjectStore,
  chunks: AsyncIterable<Uint8Array>,
  limits: PackLimits = defaultPackLimits,
): Promise<StoredPack | undefined> {
  const dir = path.join(store.objectsDir, "pack");
  await mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `tmp_pack_${randomBytes(6).toString("hex")}`);
  const file = await open(tmp, "w+");
  let indexed: IndexedPack | undefined;
  try {
    try {
      indexed = await indexPackStream(chunks, file, limits);
    } finally {
      await file.close();
    }
    if (!indexed) return undefined;
    const name = `pack-${indexed.checksum}`;
    if (!(await stat(path.join(dir, `${name}.idx`)).catch(() => undefined))) {
      await rename(tmp, path.join(dir, `${name}.pack`));
      await writeFileAtomic(path.join(dir, `${name}.idx`), indexed.idx);
    }
    await store.refresh();
    return { ...indexed, name };
  } finally {
    await rm(tmp, { force: true });
  }
}
