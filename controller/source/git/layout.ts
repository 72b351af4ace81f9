// Where a local repository keeps its Git data: `.git/` in a work tree, a
// `.git` file pointing elsewhere (a linked worktree or a submodule), or the
// folder itself when it is bare. A linked worktree has its own HEAD but shares
// refs and objects with its main repository (the "common dir").
import { readFile, stat } from "node:fs/promises";
import path from "node:path";

export interface RepoLayout {
  /** Holds HEAD. */
  gitDir: string;
  /** Holds refs/, packed-refs and objects/. */
  commonDir: string;
  /** Why we cannot read this repository, when we cannot. */
  unsupported?: string;
}

export async function findRepo(dir: string): Promise<RepoLayout | undefined> {
  const dotGit = path.join(dir, ".git");
  const dotGitStat = await stat(dotGit).catch(() => undefined);
  let gitDir: string | undefined;
  if (dotGitStat?.isDirectory()) gitDir = dotGit;
  else if (dotGitStat?.isFile()) {
    const text = (await readFile(dotGit, "utf8")).trim();
    if (text.startsWith("gitdir:")) gitDir = path.resolve(dir, text.slice(7).trim());
  } else if ((await isFile(path.join(dir, "HEAD"))) && (await isDir(path.join(dir, "objects")))) {
    gitDir = dir;
  }
  if (!gitDir || !(await isFile(path.join(gitDir, "HEAD")))) return undefined;
  const common = await readFile(path.join(gitDir, "commondir"), "utf8").catch(() => undefined);
  const commonDir = common ? path.resolve(gitDir, common.trim()) : gitDir;
  return { gitDir, commonDir, unsupported: await unsupported(commonDir) };
}

/** Layouts neither we nor isomorphic-git read: they would show as missing refs or objects. */
async function unsupported(commonDir: string): Promise<string | undefined> {
  const config = await readFile(path.join(commonDir, "config"), "utf8").catch(() => "");
  if (/^\s*objectformat\s*=\s*sha256/im.test(config))
    return "SHA-256 repositories are not supported";
  if (
    /^\s*refstorage\s*=\s*reftable/im.test(config) ||
    (await isDir(path.join(commonDir, "reftable")))
  ) {
    return "refs in the reftable format are not supported";
  }
  if (await isFile(path.join(commonDir, "objects", "info", "alternates"))) {
    return "repositories that borrow objects from another (git clone --shared or --reference) are not supported";
  }
  return undefined;
}

async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isFile() ?? false;
}

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}
