// What the status API reads from the repositories: systems, control files and
// the control branch's history, by commit, with the problems of the files that
// did not load. Apart from the StatusView adapter (view.ts) because
// it is the only part that reads Git, and it owns the caches that make that
// cheap: a commit never changes, so what was read at one is kept. Read-only.
import { formatProblem, type Problem } from "../errors.js";
import { loadKindFile } from "../model/kind-file.js";
import { loadSystem, type LoadedSystem } from "../model/load-system.js";
import type { Repository } from "../sync/repository.js";
import type { CommitSummary, GitSource } from "../source/types.js";
import { ApiError } from "../../webhooks/api/envelope.js";
import { configObject, environmentObject } from "./shapes.js";
import type { ConfigObject, ControlKind, EnvironmentObject } from "../../webhooks/api/types.js";

/** Commits of the control branch searched for ids (DESIGN §6 leaves the depth open). */
export const historyDepth = 50;

/** The folder of each kind of control file. */
export const controlDirs = { environment: "environments", config: "configs" } as const;
const controlKinds = { environment: "Environment", config: "Config" } as const;

export class GitReader {
  private readonly systems = new Map<string, Promise<LoadedSystem>>();
  private readonly blobs = new Map<string, Promise<string | undefined>>();
  private readonly logs = new Map<string, Promise<CommitSummary[]>>();

  constructor(private readonly repositories: readonly Repository[]) {}

  /** The system's name from kubefox.yaml on the control branch; else the repository's base name. */
  async systemName(repo: Repository): Promise<string> {
    const id = repo.status.controlId;
    if (id && repo.gitSource) {
      const loaded = await this.systemAtCommit(repo, id);
      if (loaded.ok) return loaded.model.name;
    }
    const base =
      repo.location
        .replace(/[/\\]+$/, "")
        .split(/[/\\]/)
        .pop() ?? repo.location;
    return base.replace(/\.git$/i, "");
  }

  async repositoryNamed(name: string): Promise<Repository | undefined> {
    for (const repo of this.repositories) if ((await this.systemName(repo)) === name) return repo;
    return undefined;
  }

  systemAtCommit(repo: Repository, commit: string): Promise<LoadedSystem> {
    const key = `${repo.location}\0${commit}`;
    let loaded = this.systems.get(key);
    if (!loaded) {
      const source = repo.gitSource!;
      loaded = source.tree(commit).then(loadSystem);
      loaded.catch(() => this.systems.delete(key));
      this.systems.set(key, loaded);
      while (this.systems.size > 64) this.systems.delete(this.systems.keys().next().value!);
    }
    return loaded;
  }

  blobId(
    source: GitSource,
    repo: Repository,
    commit: string,
    file: string,
  ): Promise<string | undefined> {
    const key = `${repo.location}\0${commit}\0${file}`;
    let id = this.blobs.get(key);
    if (!id) {
      id = source.blobId(commit, file).catch(() => undefined);
      this.blobs.set(key, id);
      while (this.blobs.size > 10_000) this.blobs.delete(this.blobs.keys().next().value!);
    }
    return id;
  }

  /** The control branch's last commits, newest first. */
  history(repo: Repository): Promise<CommitSummary[]> {
    const control = repo.status.controlId;
    const source = repo.gitSource;
    if (!control || !source) return Promise.resolve([]);
    const key = `${repo.location}\0${control}`;
    let log = this.logs.get(key);
    if (!log) {
      log = source.log(control, historyDepth).catch(() => []);
      this.logs.set(key, log);
      while (this.logs.size > 64) this.logs.delete(this.logs.keys().next().value!);
    }
    return log;
  }

  /** Where an environment's or config's ids are looked for: the control branch, its history, every tag. */
  async controlCommits(repo: Repository): Promise<string[]> {
    const control = repo.status.controlId;
    return [
      ...new Set([
        ...(control ? [control] : []),
        ...(await this.history(repo)).map((c) => c.id),
        ...this.commitTags(repo).map(([, commit]) => commit),
      ]),
    ];
  }

  /** Tags that point at commits, by name. */
  commitTags(repo: Repository): [string, string][] {
    const refs = repo.gitSource?.refs();
    if (!refs) return [];
    return [...refs.tags]
      .filter(([tag]) => !refs.nonCommitTags.has(tag))
      .sort(([a], [b]) => (a < b ? -1 : 1));
  }

  async findCommit(source: GitSource, id: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{7,40}$/i.test(id)) return undefined;
    const matches = await source.findCommits(id.toLowerCase());
    if (matches.length > 1)
      throw new ApiError(
        400,
        `id ${id} is ambiguous: ${matches.length} commits match; give more digits`,
      );
    return matches[0];
  }

  async loadControlFile(
    kind: ControlKind,
    name: string,
    source: GitSource,
    found: { commit: string; id: string; gitRef?: string },
    system: string,
  ): Promise<EnvironmentObject | ConfigObject> {
    const file = `${controlDirs[kind]}/${name}.yaml`;
    const loaded = await loadKindFile(await source.tree(found.commit), file, controlKinds[kind], {
      name,
      from: "file name",
    });
    const where = {
      id: found.id,
      system,
      commit: found.commit,
      ...(found.gitRef ? { gitRef: found.gitRef } : {}),
    };
    if (!loaded.ok)
      throw invalid(
        `${kind} ${name} at ${found.gitRef ?? `id/${found.id}`} is invalid`,
        loaded.problems,
      );
    return loaded.value.doc.kind === "Environment"
      ? environmentObject(loaded.value.doc, where)
      : configObject(loaded.value.doc as Parameters<typeof configObject>[0], where);
  }

  platformDoc(name: string) {
    for (const repo of this.repositories) {
      const doc = repo.control?.model.platforms[name];
      if (doc) return { repo, doc };
      const problems = this.fileProblems(repo, `platforms/${name}.yaml`);
      if (problems.length > 0) throw invalid(`platform ${name} is invalid`, problems);
    }
    return undefined;
  }

  /** Names in a control folder: the valid files, and those with problems (served as 422). */
  controlFileNames(repo: Repository, kind: ControlKind): string[] {
    const dir = controlDirs[kind];
    return [...Object.keys(repo.control?.model[dir] ?? {}), ...this.problemNames(repo, dir)];
  }

  problemNames(repo: Repository, dir: string): string[] {
    const pattern = new RegExp(`^${dir}/([^/]+)\\.yaml$`);
    return (repo.control?.problems ?? [])
      .map((p) => pattern.exec(p.file)?.[1])
      .filter((n): n is string => n !== undefined);
  }

  fileProblems(repo: Repository, file: string): Problem[] {
    return (repo.control?.problems ?? []).filter((p) => p.file === file);
  }
}

/** The API's answer for files that do not load: 422, with each problem. */
export function invalid(message: string, problems: Problem[]): ApiError {
  return new ApiError(422, message, problems.map(formatProblem));
}
