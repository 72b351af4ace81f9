// A read-only view of one tree of files: a working directory (for `validate` and
// `render`) or a Git commit (for everything the controller deploys). The model
// loader reads through this and nothing else, so both read the same way.

import type { ParsedFiles } from "./parsed-files.js";

export type TreeEntryType = "file" | "dir" | "symlink" | "other";

export interface TreeEntry {
  name: string;
  type: TreeEntryType;
}

export type ReadResult =
  | { kind: "file"; data: Buffer }
  | { kind: "missing" }
  /** Larger than the limit asked for: not read at all. */
  | { kind: "too-large"; size: number }
  /** A symlink, submodule or anything that is not a plain file: never followed. */
  | { kind: "not-a-file"; type: TreeEntryType };

export interface Tree {
  /** What this tree is, for messages: a folder's path or `commit 1a2b3c4`. */
  readonly label: string;
  /** Entries of a folder (POSIX path relative to the root, "" for the root); undefined when absent. */
  list(dir: string): Promise<TreeEntry[] | undefined>;
  /** A file's bytes, when it is a plain file of at most `maxBytes`. */
  read(file: string, maxBytes: number): Promise<ReadResult>;
  /** The id of a plain file's content (a Git blob id), when the tree knows it. */
  blobId?(file: string): Promise<string | undefined>;
  /** Files loaded before, by blob id (parsed-files.ts): shared by a repository's commits. */
  readonly parsed?: ParsedFiles;
}
