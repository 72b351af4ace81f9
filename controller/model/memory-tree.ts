// A Tree held in memory: files by path, with links and other entries as Git
// trees can have them. For tests of anything that reads a repository, and for
// trees built on the fly.
import type { ReadResult, Tree, TreeEntry, TreeEntryType } from "./tree.js";

/** A file's content, or an entry that is not a plain file. */
export type MemoryEntry = string | Uint8Array | { type: Exclude<TreeEntryType, "file" | "dir"> };

export class MemoryTree implements Tree {
  constructor(
    /** Entries by POSIX path; folders are implied by the paths beneath them. */
    private readonly entries: Readonly<Record<string, MemoryEntry>>,
    readonly label = "memory",
  ) {}

  async list(dir: string): Promise<TreeEntry[] | undefined> {
    const prefix = dir === "" ? "" : `${dir}/`;
    const found = new Map<string, TreeEntryType>();
    for (const [path, entry] of Object.entries(this.entries)) {
      if (!path.startsWith(prefix)) continue;
      const [name, ...rest] = path.slice(prefix.length).split("/");
      if (!name) continue;
      found.set(name, rest.length > 0 ? "dir" : typeOf(entry));
    }
    if (found.size === 0) return undefined;
    return [...found]
      .map(([name, type]) => ({ name, type }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async read(file: string, maxBytes: number): Promise<ReadResult> {
    const entry = Object.hasOwn(this.entries, file) ? this.entries[file] : undefined;
    if (entry === undefined) {
      const isDir = Object.keys(this.entries).some((p) => p.startsWith(`${file}/`));
      return isDir ? { kind: "not-a-file", type: "dir" } : { kind: "missing" };
    }
    if (typeof entry === "object" && "type" in entry)
      return { kind: "not-a-file", type: entry.type };
    const data = typeof entry === "string" ? Buffer.from(entry) : Buffer.from(entry);
    if (data.length > maxBytes) return { kind: "too-large", size: data.length };
    return { kind: "file", data };
  }
}

function typeOf(entry: MemoryEntry): TreeEntryType {
  return typeof entry === "object" && "type" in entry ? entry.type : "file";
}
