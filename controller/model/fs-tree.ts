// A Tree over a folder on disk, for `validate` and `render`. It reads the way a
// Git tree reads: a symbolic link anywhere below the root is an entry of its own,
// never followed (so a link cannot pull /etc/passwd into a repository), and a
// path that would leave the root is refused.
import { constants, type Stats } from "node:fs";
import { lstat, open, readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { ReadResult, Tree, TreeEntry, TreeEntryType } from "./tree.js";

export class FsTree implements Tree {
  readonly label: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.label = root;
  }

  async list(dir: string): Promise<TreeEntry[] | undefined> {
    const found = await this.walk(dir);
    if (found.kind !== "found" || !found.stats.isDirectory()) return undefined;
    const entries = await readdir(found.path, { withFileTypes: true });
    return entries
      .map((e) => ({ name: e.name, type: typeOf(e) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async read(file: string, maxBytes: number): Promise<ReadResult> {
    const found = await this.walk(file);
    if (found.kind === "missing") return { kind: "missing" };
    if (found.kind === "link") return { kind: "not-a-file", type: "symlink" };
    if (!found.stats.isFile()) return { kind: "not-a-file", type: typeOf(found.stats) };
    if (found.stats.size > maxBytes) return { kind: "too-large", size: found.stats.size };
    // O_NOFOLLOW: if the file was swapped for a link since lstat, opening fails
    // instead of following it. O_NONBLOCK: a FIFO swapped in cannot hang us.
    const handle = await open(
      found.path,
      constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
    ).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ELOOP") return "link" as const;
      if (err.code === "ENOENT") return "missing" as const;
      throw err;
    });
    if (handle === "link") return { kind: "not-a-file", type: "symlink" };
    if (handle === "missing") return { kind: "missing" };
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) return { kind: "not-a-file", type: typeOf(stats) };
      // Read one byte past the limit: a file that grew since stat is still caught.
      const buffer = Buffer.alloc(Math.min(stats.size, maxBytes) + 1);
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length === buffer.length) break;
      }
      if (length > maxBytes) return { kind: "too-large", size: Math.max(stats.size, length) };
      return { kind: "file", data: buffer.subarray(0, length) };
    } finally {
      await handle.close();
    }
  }

  /** lstat of every component from the root down, stopping at the first link or absence. */
  private async walk(
    relative: string,
  ): Promise<
    { kind: "found"; path: string; stats: Stats } | { kind: "missing" } | { kind: "link" }
  > {
    let current = this.root;
    // The root itself may be a link (~/src -> /data/src): only links below it are refused.
    let stats = await statOrUndefined(current, stat);
    if (!stats) return { kind: "missing" };
    for (const part of segments(relative)) {
      if (!stats.isDirectory()) return { kind: "missing" };
      current = path.join(current, part);
      stats = await statOrUndefined(current, lstat);
      if (!stats) return { kind: "missing" };
      if (stats.isSymbolicLink()) return { kind: "link" };
    }
    return { kind: "found", path: current, stats };
  }
}

/** The path's components; a path that is absolute or climbs with `..` is refused. */
function segments(relative: string): string[] {
  if (relative.includes("\0") || relative.startsWith("/") || path.isAbsolute(relative)) {
    throw new Error(`path ${JSON.stringify(relative)} is not inside the tree`);
  }
  const parts = relative.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes(".."))
    throw new Error(`path ${JSON.stringify(relative)} is not inside the tree`);
  return parts;
}

async function statOrUndefined(
  p: string,
  how: (p: string) => Promise<Stats>,
): Promise<Stats | undefined> {
  try {
    return await how(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw err;
  }
}

function typeOf(e: {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}): TreeEntryType {
  if (e.isSymbolicLink()) return "symlink";
  if (e.isDirectory()) return "dir";
  if (e.isFile()) return "file";
  return "other";
}
