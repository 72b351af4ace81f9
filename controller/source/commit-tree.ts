// The files of one commit, read straight from Git objects: what the model
// loader reads a system through (controller/model/tree.ts). Symlinks and
// submodules are reported, never followed; a blob larger than asked for is
// refused from its header, before a byte of it is inflated.
import type { ParsedFiles } from "../model/parsed-files.js";
import type { ReadResult, Tree, TreeEntry, TreeEntryType } from "../model/tree.js";

/** One entry of a Git tree object. */
export interface GitTreeEntry {
  name: string;
  mode: string;
  oid: string;
}

/** What a CommitTree needs from the repository. */
export interface ObjectReader {
  readTree(oid: string): Promise<GitTreeEntry[]>;
  readBlob(oid: string): Promise<Buffer>;
  /** The blob's size from its header; throws when it is missing or not a blob. */
  blobSize(oid: string): Promise<number>;
}

export class CommitTree implements Tree {
  readonly label: string;
  private readonly dirs = new Map<string, Promise<GitTreeEntry[] | undefined>>();

  constructor(
    private readonly reader: ObjectReader,
    readonly commit: string,
    rootTree: string,
    readonly parsed?: ParsedFiles,
  ) {
    this.label = `commit ${commit.slice(0, 7)}`;
    this.remember("", reader.readTree(rootTree));
  }

  async list(dir: string): Promise<TreeEntry[] | undefined> {
    const entries = await this.entries(dir);
    return entries?.map((e) => ({ name: e.name, type: entryType(e.mode) }));
  }

  async read(file: string, maxBytes: number): Promise<ReadResult> {
    const entry = await this.entry(file);
    if (!entry) return { kind: "missing" };
    const type = entryType(entry.mode);
    if (type !== "file") return { kind: "not-a-file", type };
    const size = await this.reader.blobSize(entry.oid);
    if (size > maxBytes) return { kind: "too-large", size };
    return { kind: "file", data: await this.reader.readBlob(entry.oid) };
  }

  /** The blob id of a plain file, undefined for anything else. */
  async blobId(file: string): Promise<string | undefined> {
    const entry = await this.entry(file);
    return entry && entryType(entry.mode) === "file" ? entry.oid : undefined;
  }

  private async entry(file: string): Promise<GitTreeEntry | undefined> {
    const parts = splitPath(file);
    const name = parts?.pop();
    if (!parts || name === undefined) return undefined;
    const entries = await this.entries(parts.join("/"));
    return entries?.find((e) => e.name === name);
  }

  /** A folder's entries; undefined when a part of the path is missing or is not a folder. */
  private entries(dir: string): Promise<GitTreeEntry[] | undefined> {
    const parts = splitPath(dir);
    if (!parts) return Promise.resolve(undefined);
    const key = parts.join("/");
    let pending = this.dirs.get(key);
    if (!pending) {
      pending = this.lookUp(parts);
      this.remember(key, pending);
    }
    return pending;
  }

  /** Caches a folder read; a failed read fails every caller, but none of them has to exist. */
  private remember(key: string, pending: Promise<GitTreeEntry[] | undefined>): void {
    pending.catch(() => undefined); // no unhandled rejection when nobody asks again
    this.dirs.set(key, pending);
  }

  private async lookUp(parts: string[]): Promise<GitTreeEntry[] | undefined> {
    const parent = await this.entries(parts.slice(0, -1).join("/"));
    const entry = parent?.find((e) => e.name === parts[parts.length - 1]);
    // Only real folders are entered: a symlink or submodule named like one is not.
    if (!entry || entryType(entry.mode) !== "dir") return undefined;
    return this.reader.readTree(entry.oid);
  }
}

/** Git file modes: 040000 tree, 100644/100755 file, 120000 symlink, 160000 submodule. */
function entryType(mode: string): TreeEntryType {
  const m = mode.padStart(6, "0");
  if (m === "040000") return "dir";
  if (m.startsWith("100")) return "file";
  if (m === "120000") return "symlink";
  return "other";
}

/** POSIX path parts; undefined for a path that tries to leave the tree. */
function splitPath(p: string): string[] | undefined {
  const parts = p.split("/").filter((part) => part !== "" && part !== ".");
  return parts.includes("..") ? undefined : parts;
}
