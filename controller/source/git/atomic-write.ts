// Files replaced whole or not at all: written beside their final name, flushed
// to disk, then renamed over it. A crash or a failed fetch leaves the previous
// file (the last good refs, the packs we had) as it was.
import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import path from "node:path";

export async function writeFileAtomic(file: string, data: string | Buffer): Promise<void> {
  const tmp = path.join(
    path.dirname(file),
    `tmp_${path.basename(file)}_${randomBytes(4).toString("hex")}`,
  );
  try {
    const handle = await open(tmp, "w");
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
