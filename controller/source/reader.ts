// Reads one repository's objects: contents through isomorphic-git (with one
// shared cache, which holds its parsed pack indexes), headers through our
// ObjectStore. Both kinds of source read through this.
import fs from "node:fs";
import * as git from "isomorphic-git";
import { describeError, RefNotFoundError, SourceError } from "../errors.js";
import { ParsedFiles } from "../model/parsed-files.js";
import { CommitTree, type GitTreeEntry, type ObjectReader } from "./commit-tree.js";
import type { ObjectStore } from "./git/object-store.js";
import type { CommitSummary } from "./types.js";

const FULL_ID = /^[0-9a-f]{40}$/;

export class RepoReader implements ObjectReader {
  /** isomorphic-git's cache: parsed pack indexes and packs, kept between calls. */
  private cache: object = {};
  /** Kind files loaded from this repository, by blob id: every commit's tree shares them. */
  private readonly parsed = new ParsedFiles();

  constructor(
    /** The folder holding objects/ (a bare repository, or a work tree's common dir). */
    readonly gitdir: string,
    /** Masked URL or path, for messages. */
    readonly label: string,
    readonly objects: ObjectStore,
  ) {}

  /** Packs were added or removed: drop what isomorphic-git cached about the old ones. */
  async refresh(): Promise<void> {
    if (await this.objects.refresh()) this.cache = {};
  }

  async tree(commit: string): Promise<CommitTree> {
    const id = await this.requireCommit(commit);
    const { commit: parsed } = await this.guard(`commit ${id}`, () =>
      git.readCommit({ fs, gitdir: this.gitdir, oid: id, cache: this.cache }),
    );
    return new CommitTree(this, id, parsed.tree, this.parsed);
  }

  async blobId(commit: string, file: string): Promise<string | undefined> {
    return (await this.tree(commit)).blobId(file);
  }

  async findCommits(prefix: string): Promise<string[]> {
    const wanted = prefix.toLowerCase();
    if (!/^[0-9a-f]{4,40}$/.test(wanted)) return [];
    const commits: string[] = [];
    for (const oid of await this.objects.withPrefix(wanted)) {
      if ((await this.objects.info(oid))?.type === "commit") commits.push(oid);
    }
    return commits;
  }

  async log(commit: string, limit: number): Promise<CommitSummary[]> {
    const id = await this.requireCommit(commit);
    const entries = await this.guard(`history of ${id}`, () =>
      git.log({ fs, gitdir: this.gitdir, ref: id, depth: limit, cache: this.cache }),
    );
    return entries.map(({ oid, commit: c }) => ({
      id: oid,
      parents: c.parent,
      committedAt: new Date(c.committer.timestamp * 1000).toISOString(),
      subject: c.message.split("\n", 1)[0] ?? "",
    }));
  }

  async readTree(oid: string): Promise<GitTreeEntry[]> {
    const { tree } = await this.guard(`tree ${oid}`, () =>
      git.readTree({ fs, gitdir: this.gitdir, oid, cache: this.cache }),
    );
    return tree.map((e) => ({ name: e.path, mode: e.mode, oid: e.oid }));
  }

  async readBlob(oid: string): Promise<Buffer> {
    const { blob } = await this.guard(`blob ${oid}`, () =>
      git.readBlob({ fs, gitdir: this.gitdir, oid, cache: this.cache }),
    );
    return Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  }

  async blobSize(oid: string): Promise<number> {
    const info = await this.guard(`blob ${oid}`, () => this.objects.info(oid));
    if (!info) throw new SourceError(this.label, `blob ${oid} is missing from the repository`);
    if (info.type !== "blob")
      throw new SourceError(this.label, `${oid} is a ${info.type} where a file should be`);
    return info.size;
  }

  /** The id of a tag object's target and that target's type. */
  async readTag(oid: string): Promise<{ object: string; type: string }> {
    const { tag } = await this.guard(`tag ${oid}`, () =>
      git.readTag({ fs, gitdir: this.gitdir, oid, cache: this.cache }),
    );
    return { object: tag.object, type: tag.type };
  }

  private async requireCommit(commit: string): Promise<string> {
    const id = commit.toLowerCase();
    if (!FULL_ID.test(id))
      throw new RefNotFoundError(`id/${commit}`, "not a full commit id (40 hex digits)");
    const info = await this.guard(`object ${id}`, () => this.objects.info(id));
    if (!info) throw new RefNotFoundError(`id/${id}`, `no such commit in ${this.label}`);
    if (info.type !== "commit")
      throw new RefNotFoundError(`id/${id}`, `is a ${info.type}, not a commit`);
    return id;
  }

  /** Runs a read; a missing or damaged object becomes a SourceError naming what was read. */
  private async guard<T>(what: string, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (err) {
      if (err instanceof RefNotFoundError || err instanceof SourceError) throw err;
      throw new SourceError(this.label, `cannot read ${what}: ${describeError(err)}`);
    }
  }
}
