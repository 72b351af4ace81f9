// Any replica answers a webhook (issue 17): the replica a push lands on
// fetches and syncs what it owns, and tells the others through one Lease,
// `<id>-sync`, in the controller's namespace: an annotation per repository,
// `sync.kubefox.io/<hash of its location>: <identity> <time> [<ref> ...]`, set
// with a merge patch (no resourceVersion, so writers never conflict). The refs
// are those the push's payload named (`refs/heads/main`), when it named a few;
// a replica none of whose platforms reads them may fetch a moment later. Every
// replica watches that Lease and syncs the repository when another replica's
// annotation for it changes, so the owners of its platforms fetch and
// reconcile within a watch event's delay, not at the next poll. Each replica
// keeps its own clone.
import { createHash } from "node:crypto";
import type { ClusterClient } from "./client.js";
import { KubeApiError, type WatchEvent } from "./http.js";
import { describeError } from "../errors.js";
import type { Logger } from "../log.js";

export interface SyncSignalOptions {
  client: ClusterClient;
  namespace: string;
  group: string;
  identity: string;
  log: Logger;
  /** Another replica asked for a sync of the repository at `location`; `refs` when the push named them. */
  onSignal: (location: string, refs: string[] | undefined) => void;
  /** The repositories' locations, as every replica's settings give them. */
  locations: () => readonly string[];
}

const prefix = "sync.kubefox.io/";
/** A push naming more refs than this (a mirror's push of everything) is announced without them. */
const maxSignalRefs = 20;
/** A full ref name with nothing that could split the annotation's value (Git forbids spaces in them). */
const plainRef = (ref: string) => /^refs\/[^\s]+$/.test(ref) && ref.length <= 255;
const labelSelector = (group: string) =>
  `kubefox.io/lease-group=${group},kubefox.io/lease-role=sync`;

/** The annotation of a repository: the same on every replica, since all are given the same locations. */
export function signalKey(location: string): string {
  return prefix + createHash("sha256").update(location).digest("hex").slice(0, 20);
}

export class SyncSignal {
  private readonly seen = new Map<string, string>();
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private readonly name: string;

  constructor(private readonly options: SyncSignalOptions) {
    this.name = `${options.group}-sync`;
  }

  /**
   * Tells the other replicas to sync these repositories, and which refs the push changed
   * when it says (at most maxSignalRefs; more are not named). Failures are logged: the
   * poll still comes.
   */
  async announce(locations: readonly string[], refs?: readonly string[]): Promise<void> {
    const { client, namespace, identity, log } = this.options;
    const named = refs && refs.length > 0 && refs.length <= maxSignalRefs && refs.every(plainRef);
    const value = `${identity} ${new Date().toISOString()}${named ? ` ${refs.join(" ")}` : ""}`;
    const annotations = Object.fromEntries(locations.map((l) => [signalKey(l), value]));
    for (const key of Object.keys(annotations)) this.seen.set(key, value);
    try {
      try {
        await client.annotateLease(namespace, this.name, annotations);
      } catch (err) {
        if (!(err instanceof KubeApiError && err.statusCode === 404)) throw err;
        await client.createLease(
          namespace,
          this.name,
          {},
          {
            "kubefox.io/lease-group": this.options.group,
            "kubefox.io/lease-role": "sync",
          },
        );
        await client.annotateLease(namespace, this.name, annotations);
      }
    } catch (err) {
      log.warn("could not tell the other replicas to sync", { error: describeError(err) });
    }
  }

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    const { client, namespace, group, log } = this.options;
    const path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
    let primed = false;
    while (!this.abort.signal.aborted) {
      try {
        const [lease] = await client.listLeases(namespace, labelSelector(group));
        this.compare(lease?.annotations ?? {}, primed);
        primed = true;
        await client.watch(
          path,
          {
            labelSelector: labelSelector(group),
            ...(lease ? { resourceVersion: lease.resourceVersion } : {}),
            timeoutSeconds: 300,
          },
          (event: WatchEvent) => {
            if (event.type === "ERROR") throw new Error("watch error");
            if (event.type === "ADDED" || event.type === "MODIFIED") {
              const meta = (event.object as { metadata?: { annotations?: Record<string, string> } })
                .metadata;
              this.compare(meta?.annotations ?? {}, true);
            }
          },
          this.abort.signal,
        );
      } catch (err) {
        if (this.abort.signal.aborted) return;
        log.warn("watching the sync Lease failed; watching again", { error: describeError(err) });
      }
      await sleep(1000, this.abort.signal);
    }
  }

  /** Signals each repository whose annotation another replica changed since it was last seen. */
  private compare(annotations: Record<string, string>, signal: boolean): void {
    const byKey = new Map(this.options.locations().map((l) => [signalKey(l), l]));
    for (const [key, value] of Object.entries(annotations)) {
      if (!key.startsWith(prefix)) continue;
      const before = this.seen.get(key);
      this.seen.set(key, value);
      const location = byKey.get(key);
      if (!signal || before === value || !location) continue;
      if (value.startsWith(`${this.options.identity} `)) continue;
      const refs = value.split(" ").slice(2);
      this.options.onSignal(location, refs.length > 0 ? refs : undefined);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
