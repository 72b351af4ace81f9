// A repository at an HTTP(S) URL or an SSH location (issue 16), mirrored into
// a bare repository under the state directory: every branch and tag, pruned and force-moved as upstream
// does. The refs live in one packed-refs file written after the objects they
// need, so a fetch that fails anywhere leaves the last good state as it was.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describeError, maskUrl, SourceError } from "../errors.js";
import { authorizationHeader, splitUrlCredentials, type GitCredentials } from "./credentials.js";
import { prepareClone } from "./clone-dir.js";
import { fetchAll, type FetchResult } from "./fetch.js";
import type { V2Capabilities } from "./git/protocol-v2.js";
import { fetchError } from "./fetch-errors.js";
import { writeFileAtomic } from "./git/atomic-write.js";
import { defaultPackLimits, type PackLimits } from "./git/limits.js";
import { mergePacks } from "./git/merge-packs.js";
import { ObjectStore } from "./git/object-store.js";
import { formatPackedRefs, parsePackedRefs, type PackedRef } from "./git/packed-refs.js";
import { readHead } from "./git/ref-store.js";
import { httpClient } from "./http.js";
import { httpTransport } from "./http-transport.js";
import { sshTransport, type SshCredentials } from "./ssh-transport.js";
import { isSshLocation, parseSshLocation, type SshLocation } from "../ssh/location.js";
import type { GitTransport } from "./transport.js";
import { RepoReader } from "./reader.js";
import { toRefMap, type RefListing } from "./ref-map.js";
import { defaultRetryPolicy, withRetry, type RetryPolicy } from "./retry.js";
import type { SourceLog } from "./source-log.js";
import { emptyRefMap, type CommitSummary, type GitSource, type RefMap } from "./types.js";
import type { Tree } from "../model/tree.js";

export interface UrlSourceOptions {
  url: string;
  /** The controller's state directory; the clone goes in `<stateDir>/repos/`. */
  stateDir: string;
  credentials?: GitCredentials;
  /** The key and known hosts for an SSH location. */
  ssh?: SshCredentials;
  /** Ask for Git protocol v2 (the default) or speak v0 only. */
  protocol?: 0 | 2;
  /** A network call fails after this long without a byte from the server. Default: limits.windowMs. */
  timeoutMs?: number;
  /** What the server may make us hold, and for how long. Default: defaultPackLimits. */
  limits?: Partial<PackLimits>;
  retry?: RetryPolicy;
  /** Packs kept before they are joined into one, locally. Default 20. */
  maxPacks?: number;
  log?: SourceLog;
}

export async function openUrlSource(options: UrlSourceOptions): Promise<GitSource> {
  if (isSshLocation(options.url)) return openSshSource(options);
  const split = splitUrlCredentials(options.url);
  const credentials = options.credentials ?? split.credentials;
  const label = maskUrl(options.url);
  const gitdir = await cloneDir(options, split.url, label);
  const source = new UrlSource(options, split.url, label, gitdir, credentials);
  await source.load();
  return source;
}

/** `ssh://user@host[:port]/path` or `user@host:path`: the user is no secret, the label is the location. */
async function openSshSource(options: UrlSourceOptions): Promise<GitSource> {
  const label = options.url;
  const location = parseSshLocation(options.url);
  if (!location) throw new SourceError(label, "not a valid SSH location", { retry: "never" });
  if (!options.ssh) {
    throw new SourceError(label, "an SSH repository needs --ssh-key-file and --ssh-known-hosts", {
      retry: "never",
    });
  }
  const gitdir = await cloneDir(options, options.url, label);
  const source = new UrlSource(options, options.url, label, gitdir, undefined, {
    location,
    credentials: options.ssh,
  });
  await source.load();
  return source;
}

async function cloneDir(options: UrlSourceOptions, url: string, label: string): Promise<string> {
  try {
    return await prepareClone(options.stateDir, url);
  } catch (err) {
    throw new SourceError(
      label,
      `cannot prepare the clone under ${options.stateDir}: ${describeError(err)}`,
    );
  }
}

class UrlSource implements GitSource {
  private readonly objects: ObjectStore;
  private readonly reader: RepoReader;
  private readonly secrets: string[];
  private readonly authorization?: string;
  private listing: RefListing = new Map();
  private head: string | undefined;
  private current: RefMap = emptyRefMap;
  /** Types of the objects tags point at, carried from sync to sync. */
  private tagTargetTypes = new Map<string, string | undefined>();
  /** A v2 server's capabilities from the last fetch: the next one skips asking (fetch.ts). */
  private capabilities: V2Capabilities | undefined;
  /** Syncs run one at a time: each starts from the refs the previous one wrote. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: UrlSourceOptions,
    private readonly url: string,
    readonly label: string,
    private readonly gitdir: string,
    credentials: GitCredentials | undefined,
    private readonly ssh?: { location: SshLocation; credentials: SshCredentials },
  ) {
    this.objects = new ObjectStore(path.join(gitdir, "objects"));
    this.reader = new RepoReader(gitdir, label, this.objects);
    this.secrets = [];
    if (credentials) {
      this.authorization = authorizationHeader(credentials);
      this.secrets.push("token" in credentials ? credentials.token : credentials.password);
      this.secrets.push(this.authorization.slice("Basic ".length));
    }
  }

  /** The refs the last successful sync wrote, from disk (they survive a restart). */
  async load(): Promise<void> {
    await this.reader.refresh();
    const text = await readFile(this.packedRefsPath, "utf8").catch(() => "");
    const listing: RefListing = new Map();
    for (const [name, ref] of parsePackedRefs(text).refs) {
      listing.set(name, { oid: ref.oid, peeled: ref.peeled ?? ref.oid });
    }
    const head = await readHead(this.gitdir);
    await this.adopt(listing, head.symref);
  }

  refs(): RefMap {
    return this.current;
  }

  sync(): Promise<RefMap> {
    const run = this.queue.then(() => this.fetchAndStore());
    this.queue = run.catch(() => undefined);
    return run;
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
    await this.queue;
    await this.objects.close();
  }

  private get packedRefsPath(): string {
    return path.join(this.gitdir, "packed-refs");
  }

  private async fetchAndStore(): Promise<RefMap> {
    const haves = [...this.listing.values()].map((r) => r.oid);
    const result = await this.fetchWithRetry(haves, false);
    this.options.log?.({
      level: "debug",
      msg: `fetched ${result.received} objects over protocol v${result.protocol}`,
      source: this.label,
      protocol: result.protocol,
      bytes: result.bytes,
      objects: result.received,
    });
    if (!sameListing(result.listing, this.listing) || result.head !== this.head)
      await this.writeRefs(result);
    await this.adopt(result.listing, result.head, result.types);
    if (this.objects.packCount > (this.options.maxPacks ?? 20)) await this.compact();
    return this.current;
  }

  private limits(): PackLimits {
    return { ...defaultPackLimits, ...this.options.limits };
  }

  /** Smart HTTP or SSH: a new one per attempt (an SSH connection lasts one fetch). */
  private transport(): GitTransport {
    const timeoutMs = this.options.timeoutMs ?? this.options.limits?.windowMs ?? 30_000;
    if (this.ssh) return sshTransport(this.ssh.location, this.ssh.credentials, timeoutMs);
    return httpTransport({
      url: this.url,
      http: httpClient(timeoutMs),
      authorization: this.authorization,
      limits: this.limits(),
    });
  }

  private async fetchWithRetry(haves: string[], everything: boolean): Promise<FetchResult> {
    const target = () => ({
      transport: this.transport(),
      v2: this.options.protocol !== 0,
      gitdir: this.gitdir,
      objects: this.objects,
      limits: this.limits(),
      ...(this.capabilities ? { capabilities: this.capabilities } : {}),
    });
    const hadCredentials = this.authorization !== undefined;
    return withRetry(
      () =>
        fetchAll(target(), haves, everything).then(
          (result) => {
            this.capabilities = result.capabilities;
            return result;
          },
          (err: unknown) => {
            this.capabilities = undefined;
            throw fetchError(this.label, err, hadCredentials, (text) => this.redact(text));
          },
        ),
      this.options.retry ?? defaultRetryPolicy,
      (err, attempt, delayMs) =>
        this.options.log?.({
          level: "warn",
          msg: `fetch failed, retrying in ${delayMs} ms: ${(err as SourceError).reason}`,
          source: this.label,
          attempt,
        }),
    );
  }

  /** Writes the fetched refs in one step: HEAD, then packed-refs, the file that holds them all. */
  private async writeRefs(result: FetchResult): Promise<void> {
    const refs = new Map<string, PackedRef>();
    for (const [name, ref] of result.listing) refs.set(name, { oid: ref.oid, peeled: ref.peeled });
    try {
      // The server's HEAD: a branch, or (rarely) a detached commit.
      const head = result.head?.startsWith("refs/heads/") ? `ref: ${result.head}` : result.headOid;
      if (head && (result.head !== this.head || !result.head)) {
        await writeFileAtomic(path.join(this.gitdir, "HEAD"), `${head}\n`);
      }
      await writeFileAtomic(this.packedRefsPath, formatPackedRefs(refs));
    } catch (err) {
      throw new SourceError(this.label, `cannot store the fetched refs: ${describeError(err)}`);
    }
  }

  private async adopt(
    listing: RefListing,
    head: string | undefined,
    types?: Map<string, string>,
  ): Promise<void> {
    // Objects never change: what a tag pointed at last time is still what it was.
    const known = this.tagTargetTypes;
    const next = new Map<string, string | undefined>();
    this.current = await toRefMap(listing, head, async (oid) => {
      const type = known.has(oid)
        ? known.get(oid)
        : (types?.get(oid) ?? (await this.objects.info(oid).catch(() => undefined))?.type);
      next.set(oid, type);
      return type;
    });
    this.listing = listing;
    this.head = head;
    this.tagTargetTypes = next;
  }

  /**
   * One pack per fetch adds up, and every read looks through each of them:
   * past the limit, the packs are joined into one, locally (merge-packs.ts).
   * This used to fetch the whole repository again; for a large repository that
   * meant downloading all of it every `maxPacks` pushes, and the pack is now
   * indexed from disk in bounded memory either way (issue 16). The price:
   * objects no ref reaches any more (deleted branches, force-pushes) stay in
   * the clone, as in any Git clone before `git gc`; deleting the clone under
   * the state directory drops them at the next start.
   */
  private async compact(): Promise<void> {
    try {
      const limits = { ...defaultPackLimits, ...this.options.limits };
      await mergePacks(this.objects, this.objects.packNames(), limits);
      await this.reader.refresh();
    } catch (err) {
      this.options.log?.({
        level: "warn",
        msg: `could not compact the clone's packs (it stays usable): ${describeError(err)}`,
        source: this.label,
      });
    }
  }

  /** Belt and braces: whatever an error says, a credential never leaves this object. */
  private redact(text: string): string {
    return this.secrets.reduce((t, secret) => (secret ? t.split(secret).join("***") : t), text);
  }
}

function sameListing(a: RefListing, b: RefListing): boolean {
  if (a.size !== b.size) return false;
  for (const [name, ref] of a) {
    const other = b.get(name);
    if (other?.oid !== ref.oid || other.peeled !== ref.peeled) return false;
  }
  return true;
}
