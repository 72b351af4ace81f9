// The folder `render` reads, as run would read the repository it is a checkout
// of. In a Git repository each ref resolves as run resolves it (the same
// resolveRef, over the folder's branches and tags), and the system at that
// commit is read from Git, except at the commit checked out, which is read from
// the working tree so that uncommitted changes show. A folder that is not a
// Git repository (repo-template, a tree being written) stands for every ref:
// refs are only checked to be well formed, and the commit is all zeros.
import path from "node:path";
import { FsTree } from "../../model/fs-tree.js";
import { loadSystem, type LoadedSystem } from "../../model/load-system.js";
import { findRepo } from "../../source/git/layout.js";
import { readHead } from "../../source/git/ref-store.js";
import { parseRef, resolveRef } from "../../source/refs.js";
import type { GitSource } from "../../source/types.js";

export const NO_COMMIT = "0".repeat(40);

export interface ResolvedAt {
  commit: string;
  /** For a tag pattern: the tag that won. */
  tag?: string;
  /** Read from the working tree (the commit checked out, or no Git at all). */
  workingTree: boolean;
}

export interface WorkTree {
  /** Whether the folder is a Git repository. */
  readonly git: boolean;
  /** Throws RefNotFoundError, as run's resolution does. */
  resolve(ref: string): Promise<ResolvedAt>;
  system(at: ResolvedAt): Promise<LoadedSystem>;
  close(): Promise<void>;
}

export async function openWorkTree(dir: string): Promise<WorkTree> {
  const layout = await findRepo(path.resolve(dir));
  const fromFolder = once(() => loadSystem(new FsTree(dir)));
  if (!layout) {
    return {
      git: false,
      resolve: async (ref) => {
        parseRef(ref);
        return { commit: NO_COMMIT, workingTree: true };
      },
      system: () => fromFolder(),
      close: async () => undefined,
    };
  }
  // Git is loaded only for a folder that is a repository.
  const { openLocalSource } = await import("../../source/local-source.js");
  const source: GitSource = await openLocalSource({ path: dir });
  const head = await readHead(layout.gitDir);
  const refs = source.refs();
  const headCommit =
    head.oid ?? refs.branches.get(head.symref?.replace(/^refs\/heads\//, "") ?? "");
  const systems = new Map<string, Promise<LoadedSystem>>();
  return {
    git: true,
    resolve: async (ref) => {
      const resolved = await resolveRef(ref, refs, (prefix) => source.findCommits(prefix));
      return {
        commit: resolved.id,
        ...(resolved.tag ? { tag: resolved.tag } : {}),
        workingTree: resolved.id === headCommit,
      };
    },
    system: (at) => {
      if (at.workingTree) return fromFolder();
      let found = systems.get(at.commit);
      if (!found) {
        found = source.tree(at.commit).then(loadSystem);
        systems.set(at.commit, found);
      }
      return found;
    },
    close: () => source.close(),
  };
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}
