// A repository on this machine (a work tree with .git, or a bare repository),
// read where it is: nothing is cloned, and with `onChange` its refs are watched
// so a commit or tag made there is seen within a second (DESIGN §5).
import path from "node:path";
import { describeError, SourceError } from "../errors.js";
import { findRepo, type RepoLayout } from "./git/layout.js";
import { ObjectStore } from "./git/object-store.js";
import { readHead, readRefs } from "./git/ref-store.js";
import { RepoReader } from "./reader.js";
import { sameRefMap, toRefMap, type RefListing } from "./ref-map.js";
import type { SourceLog } from "./source-log.js";
import { emptyRefMap, type CommitSummary, type GitSource, type RefMap } from "./types.js";
import { watchRefs, type RefWatcher } from "./watch.js";
import type { Tree } from "../model/tree.js";

export interface LocalSourceOptions {
  path: string;
  /** Called with the new refs after they change on disk; without it, nothing is watched. */
  onChange?: (refs: RefMap) => void;
  /** Quiet time after the last file event before the refs are read again. Default 30 ms. */
  debounceMs?: number;
  log?: SourceLog;
}

/** Tags of tags are followed this deep, as Git does. */
const MAX_PEEL_DEPTH = 10;

export async function openLocalSource(options: LocalSourceOptions): Promise<GitSource> {
  const dir = path.resolve(options.path);
  const layout = await findRepo(dir);
  if (!layout)
    throw new SourceError(dir, "not a Git repository (no .git, and not a bare repository)");
  if (layout.unsupported) throw new SourceError(dir, layout.unsupported);
  const source = new LocalSource(dir, layout, options);
  await source.sync();
  if (options.onChange) await source.watch(options.onChange, options.debounceMs ?? 30);
  return source;
}

class LocalSource implements GitSource {
  private readonly objects: ObjectStore;
  private readonly reader: RepoReader;
  private current: RefMap = emptyRefMap;
  private watcher?: RefWatcher;
  /** Re-reads run one at a time; a change during one asks for one more. */
  private reading?: Promise<RefMap>;
  private again = false;

  constructor(
    readonly label: string,
    private readonly layout: RepoLayout,
    private readonly options: LocalSourceOptions,
  ) {
    this.objects = new ObjectStore(path.join(layout.commonDir, "objects"));
    this.reader = new RepoReader(layout.commonDir, label, this.objects);
  }

  refs(): RefMap {
    return this.current;
  }

  sync(): Promise<RefMap> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.readLoop().finally(() => (this.reading = undefined));
    return this.reading;
  }

  async watch(onChange: (refs: RefMap) => void, debounceMs: number): Promise<void> {
    this.watcher = await watchRefs(this.layout, () => void this.onFiles(onChange), debounceMs);
  }

  tree(commit: string): Promise<Tree> {
    return this.reader.tree(commit);
  }

  blobId(commit: string, file: string): Promise<string | undefined> {
    return this.reader.blobId(commit, file);
  }

  findCommits(prefix: string): Promise<string[]> {
    return this.reader.findCommits(prefix);
  }

  log(commit: string, limit: number): Promise<CommitSummary[]> {
    return this.reader.log(commit, limit);
  }

  async close(): Promise<void> {
    await this.watcher?.close();
    await this.reading?.catch(() => undefined);
    await this.objects.close();
  }

  private async onFiles(onChange: (refs: RefMap) => void): Promise<void> {
    const before = this.current;
    try {
      const after = await this.sync();
      if (!sameRefMap(before, after)) onChange(after);
    } catch (err) {
      this.options.log?.({ level: "warn", msg: describeError(err), source: this.label });
    }
  }

  private async readLoop(): Promise<RefMap> {
    do {
      this.again = false;
      this.current = await this.read();
    } while (this.again);
    return this.current;
  }

  private async read(): Promise<RefMap> {
    try {
      await this.reader.refresh();
      const listing: RefListing = new Map();
      for (const [name, ref] of await readRefs(this.layout.commonDir)) {
        const peeled = name.startsWith("refs/tags/")
          ? await this.peel(ref.oid, ref.peeled, ref.peelKnown)
          : ref.oid;
        listing.set(name, { oid: ref.oid, peeled });
      }
      const head = await readHead(this.layout.gitDir);
      return await toRefMap(
        listing,
        head.symref,
        async (oid) => (await this.objects.info(oid))?.type,
      );
    } catch (err) {
      if (err instanceof SourceError) throw err;
      throw new SourceError(this.label, `cannot read the refs: ${describeError(err)}`);
    }
  }

  /** What a tag finally points at: packed-refs may say; otherwise read tag objects until one is not a tag. */
  private async peel(oid: string, peeled: string | undefined, peelKnown: boolean): Promise<string> {
    if (peeled) return peeled;
    if (peelKnown) return oid;
    let current = oid;
    for (let depth = 0; depth < MAX_PEEL_DEPTH; depth++) {
      if ((await this.objects.info(current))?.type !== "tag") return current;
      current = (await this.reader.readTag(current)).object;
    }
    return current;
  }
}
