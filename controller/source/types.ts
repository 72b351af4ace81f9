// What every Git source offers the controller, whether it clones a URL or
// reads a folder in place.
import type { Tree } from "../model/tree.js";

/** Branches and tags of a repository, exactly as Git reports them. */
export interface RefMap {
  /** Branch name (without `refs/heads/`) to commit id. */
  readonly branches: ReadonlyMap<string, string>;
  /**
   * Tag name (without `refs/tags/`) to the id it finally points at: annotated
   * tags are peeled, a tag of a tag too (what `git ls-remote` prints on its
   * `^{}` lines, or the tag's own id for a lightweight tag).
   */
  readonly tags: ReadonlyMap<string, string>;
  /**
   * Tags whose peeled object is not a commit, with what it is instead (`tree`,
   * `blob`, or `missing` when the object is not in the repository). They stay
   * in `tags`, as Git lists them, but never resolve to a system.
   */
  readonly nonCommitTags: ReadonlyMap<string, string>;
  /** The remote's HEAD for a URL, HEAD for a path; undefined when detached or unknown. */
  readonly defaultBranch: string | undefined;
}

export const emptyRefMap: RefMap = Object.freeze({
  branches: new Map(),
  tags: new Map(),
  nonCommitTags: new Map(),
  defaultBranch: undefined,
});

export interface CommitSummary {
  id: string;
  parents: string[];
  /** Committer time, ISO 8601. */
  committedAt: string;
  /** First line of the message. */
  subject: string;
}

export interface GitSource {
  /** For messages and logs: the URL with any credential masked, or the path. */
  readonly label: string;
  /** The last good ref map (empty until a new clone's first sync). */
  refs(): RefMap;
  /**
   * Brings the refs up to date: a fetch of every branch and tag for a URL, a
   * re-read for a path. On failure it throws a SourceError and keeps the last
   * good refs and objects.
   */
  sync(): Promise<RefMap>;
  /** The files of a commit, read from Git objects (no checkout). */
  tree(commit: string): Promise<Tree>;
  /** The blob id of a plain file at a commit: the id of an environment or config (DESIGN §6). */
  blobId(commit: string, file: string): Promise<string | undefined>;
  /** Full ids of the commits whose id starts with `prefix` (4 to 40 hex digits). */
  findCommits(prefix: string): Promise<string[]>;
  /** Commits reachable from `commit`, newest first, at most `limit`. */
  log(commit: string, limit: number): Promise<CommitSummary[]>;
  /** Stops watching (for a path) and releases open files. */
  close(): Promise<void>;
}
