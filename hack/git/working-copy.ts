// A working clone driven by the real `git` client: write files, commit, tag and
// push, the way a person changes a KubeFox repository.
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { git } from "./run.js";

export class WorkingCopy {
  private constructor(readonly dir: string) {}

  /** Clones `url` into a new temporary folder. */
  static async clone(url: string): Promise<WorkingCopy> {
    const dir = await mkdtemp(path.join(tmpdir(), "kubefox-wc-"));
    await git(["clone", "--quiet", url, dir]);
    const copy = new WorkingCopy(dir);
    // An empty remote has no branch yet: start `main` so the first push creates it.
    await git(["checkout", "--quiet", "-B", "main"], dir).catch(() => undefined);
    return copy;
  }

  /** A new repository in `dir` (not cloned from anywhere), on branch `main`. */
  static async init(dir: string): Promise<WorkingCopy> {
    await mkdir(dir, { recursive: true });
    await git(["init", "--quiet", "--initial-branch=main", dir]);
    return new WorkingCopy(dir);
  }

  git(...args: string[]): Promise<string> {
    return git(args, this.dir);
  }

  /** Copies a folder's contents (for example `repo-template/`) into the tree. */
  async copyFrom(source: string): Promise<void> {
    await cp(source, this.dir, {
      recursive: true,
      filter: (src) => path.basename(src) !== ".git",
    });
  }

  /** Writes files, relative path to content; `null` deletes. */
  async write(files: Record<string, string | null>): Promise<void> {
    for (const [rel, content] of Object.entries(files)) {
      const file = path.join(this.dir, rel);
      if (content === null) {
        await rm(file, { force: true });
        continue;
      }
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content);
    }
  }

  /** Stages everything and commits; returns the new commit id. */
  async commit(message: string): Promise<string> {
    await this.git("add", "--all");
    await this.git("commit", "--quiet", "--allow-empty", "-m", message);
    return this.git("rev-parse", "HEAD");
  }

  /** Writes, commits and pushes the current branch in one step; returns the commit id. */
  async commitAndPush(files: Record<string, string | null>, message: string): Promise<string> {
    await this.write(files);
    const id = await this.commit(message);
    await this.push();
    return id;
  }

  /** `git push` of the current branch (and with `--tags`, every tag). */
  async push(...extra: string[]): Promise<void> {
    await this.git("push", "--quiet", "origin", "HEAD", ...extra);
  }

  async tag(name: string, options: { annotated?: boolean; target?: string } = {}): Promise<void> {
    const args = options.annotated ? ["tag", "-a", "-m", name, name] : ["tag", name];
    if (options.target) args.push(options.target);
    await this.git(...args);
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
