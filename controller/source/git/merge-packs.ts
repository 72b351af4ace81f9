// Compaction without the network (issue 16): the packs of a clone joined into
// one, locally. Each pack's entries are copied as they are, in order, behind
// one header and one checksum, and the result goes through the same streaming
// indexer and store as a fetched pack. Within each pack the entries stay
// contiguous, so the offset deltas (which count back from themselves) still
// find their bases; our packs are never thin, so every ref delta's base is in
// the joined pack. Memory stays bounded: the indexer streams from the files.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, rm } from "node:fs/promises";
import path from "node:path";
import { CorruptObjectError } from "./delta.js";
import type { PackLimits } from "./limits.js";
import type { ObjectStore } from "./object-store.js";
import { storePackStream, type StoredPack } from "./store-pack.js";

/**
 * Joins the store's packs `names` (`pack-<checksum>`) into one and removes
 * them; resolves to the new pack, or undefined when there was nothing to join.
 */
export async function mergePacks(
  store: ObjectStore,
  names: string[],
  limits: PackLimits,
): Promise<StoredPack | undefined> {
  if (names.length < 2) return undefined;
  const dir = path.join(store.objectsDir, "pack");
  const packs: { file: string; count: number; size: number }[] = [];
  for (const name of names) {
    const file = path.join(dir, `${name}.pack`);
    const handle = await open(file, "r");
    try {
      const header = Buffer.alloc(12);
      await handle.read(header, 0, 12, 0);
      const { size } = await handle.stat();
      if (header.toString("latin1", 0, 4) !== "PACK" || size < 32)
        throw new CorruptObjectError(`${name}.pack is not a pack`);
      packs.push({ file, count: header.readUInt32BE(8), size });
    } finally {
      await handle.close();
    }
  }
  // Local data we indexed ourselves: only the object size bounds memory here.
  const local = {
    ...limits,
    maxObjects: Infinity,
    maxPackBytes: Infinity,
  };
  const merged = await storePackStream(store, joined(packs), local);
  if (merged) {
    for (const name of names) {
      if (name === merged.name) continue;
      // The idx first: readers never see a pack without one.
      await rm(path.join(dir, `${name}.idx`), { force: true });
      await rm(path.join(dir, `${name}.pack`), { force: true });
    }
    await store.refresh();
  }
  return merged;
}

async function* joined(
  packs: { file: string; count: number; size: number }[],
): AsyncGenerator<Buffer, void, undefined> {
  const sha = createHash("sha1");
  const header = Buffer.alloc(12);
  header.write("PACK", 0, "latin1");
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(
    packs.reduce((n, p) => n + p.count, 0),
    8,
  );
  sha.update(header);
  yield header;
  for (const pack of packs) {
    // The entries: after the 12-byte header, before the 20-byte checksum.
    for await (const chunk of createReadStream(pack.file, { start: 12, end: pack.size - 21 })) {
      sha.update(chunk as Buffer);
      yield chunk as Buffer;
    }
  }
  yield sha.digest();
}
