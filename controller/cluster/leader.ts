// Leader election (issue 7): replicas of the controller share one
// coordination.k8s.io/v1 Lease, and only its holder writes to clusters. The
// algorithm is client-go's: a candidate takes the Lease when it is free or has
// not changed for its leaseDurationSeconds by the candidate's own clock; the
// holder renews it every retry period and gives up when it could not renew for
// the renew deadline, which is shorter than the lease duration, so the old
// leader has stopped writing before anyone else may start.
//
// Every cluster client asks `leading` before each write (the controller hands
// it to the ClusterPool as the clients' `mayWrite`, see cluster/client.ts).
// `leading` is a clock check (the last renewal was sent less than the renew
// deadline ago), not a flag a stalled loop might leave set: losing the Lease
// stops writes at once, even in the middle of a sync.
//
// The Lease is the controller's own bookkeeping in its own namespace, not a
// managed object: the client's Lease calls are never guarded, retried with
// backoff (a renewal that is late is worth nothing) or counted as a sync's write.
import type { ClusterClient, LeaseSpec } from "./client.js";
import { describeError } from "../errors.js";
import type { Logger } from "../log.js";

/** The Lease's spec, as leader election reads and writes it. */
export interface LeaseRecord {
  /** "" when nobody holds it (a leader that stopped released it). */
  holderIdentity: string;
  leaseDurationSeconds: number;
  /** RFC 3339 with microseconds (the API's MicroTime). */
  acquireTime: string;
  renewTime: string;
  leaseTransitions: number;
}

export interface StoredLease {
  record: LeaseRecord;
  resourceVersion: string;
}

/** The three calls leader election makes. `kubernetesLeaseStore` is the real one. */
export interface LeaseStore {
  /** Where the Lease lives, for logs: `namespace/name`. */
  readonly where: string;
  get(): Promise<StoredLease | undefined>;
  /** False when someone else created it first. */
  create(record: LeaseRecord): Promise<boolean>;
  /** False when the Lease changed since `resourceVersion` (optimistic concurrency). */
  update(record: LeaseRecord, resourceVersion: string): Promise<boolean>;
}

export interface ElectorOptions {
  store: LeaseStore;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  log: Logger;
  /** Called on every change of role, after `leading` changed. */
  onChange?: (leading: boolean) => void;
  /** Milliseconds for local deadlines; default: monotonic, so a wall-clock jump changes nothing. */
  clock?: () => number;
}

const monotonic = () => performance.timeOrigin + performance.now();

/** The API's MicroTime format: `2025-01-02T03:04:05.678000Z`. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export class LeaderElector {
  private renewedAtMs: number | undefined;
  private isLeader = false;
  private observed: StoredLease | undefined;
  private observedAtMs = 0;
  private lastHolder: string | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private deadline: NodeJS.Timeout | undefined;

  private readonly clock: () => number;

  constructor(private readonly options: ElectorOptions) {
    this.clock = options.clock ?? monotonic;
  }

  /** True while this process holds the Lease: its last renewal was sent less than the renew deadline ago. */
  get leading(): boolean {
    return (
      this.isLeader &&
      this.renewedAtMs !== undefined &&
      this.clock() - this.renewedAtMs < this.options.renewDeadlineMs
    );
  }

  /** The holder seen last ("" when free), for logs and status. */
  get holder(): string | undefined {
    return this.observed?.record.holderIdentity;
  }

  /** Starts trying to acquire, then to renew, every retry period, until `stop`. */
  start(): void {
    if (this.running) return;
    this.options.log.info("leader election: starting", {
      lease: this.options.store.where,
      identity: this.options.identity,
    });
    this.running = this.loop();
  }

  /** Stops the loop and, when leading, releases the Lease so another replica takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    clearTimeout(this.deadline);
    if (!this.leading) return;
    const { store, identity, log } = this.options;
    this.setLeader(false, "stopping: released the Lease");
    try {
      const current = await store.get();
      if (current?.record.holderIdentity !== identity) return;
      const now = microTime(Date.now());
      await store.update(
        {
          ...current.record,
          holderIdentity: "",
          leaseDurationSeconds: 1,
          renewTime: now,
          acquireTime: now,
        },
        current.resourceVersion,
      );
    } catch (err) {
      log.warn("leader election: could not release the Lease", { error: describeError(err) });
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      await this.attempt();
      // Candidates spread their attempts (client-go's 1.2 jitter); a leader renews on time.
      const jitter = this.isLeader ? 0 : Math.random() * 0.2;
      await this.sleep(this.options.retryPeriodMs * (1 + jitter));
    }
  }

  /** One round of client-go's tryAcquireOrRenew. */
  private async attempt(): Promise<void> {
    const { store, identity, log } = this.options;
    // Measured before the calls: what others see is newer, so this errs on the safe side.
    const sentAtMs = this.clock();
    try {
      const current = await store.get();
      if (this.stopped || this.stale(sentAtMs)) return;
      if (!current) {
        const record = this.record(undefined, Date.now());
        if (await store.create(record)) this.renewed(sentAtMs);
        return;
      }
      if (current.resourceVersion !== this.observed?.resourceVersion) {
        this.observed = current;
        this.observedAtMs = this.clock();
      }
      const held = current.record;
      if (held.holderIdentity !== this.lastHolder) {
        this.lastHolder = held.holderIdentity;
        if (held.holderIdentity !== identity)
          log.info("leader election: the Lease is held by another replica", {
            holder: held.holderIdentity || "(nobody)",
          });
      }
      const mine = held.holderIdentity === identity;
      const expiresAtMs = this.observedAtMs + held.leaseDurationSeconds * 1000;
      if (!mine && held.holderIdentity !== "" && this.clock() < expiresAtMs) {
        if (this.isLeader) this.setLeader(false, `the Lease is held by ${held.holderIdentity}`);
        return;
      }
      const record = this.record(mine ? held : { ...held, holderIdentity: "" }, Date.now());
      if (this.stale(sentAtMs)) return;
      if (await store.update(record, current.resourceVersion)) this.renewed(sentAtMs);
      // A conflict: someone wrote it in between; the next round reads it again.
    } catch (err) {
      const what = this.isLeader ? "renewing the Lease" : "reading or taking the Lease";
      log.warn(`leader election: ${what} failed`, {
        lease: store.where,
        error: describeError(err),
      });
    }
  }

  /**
   * Is what this round read too old to act on? A process frozen (SIGSTOP, a
   * long GC pause, a suspended VM) between reading the Lease and writing it
   * wakes up holding a picture of the Lease from before the freeze; it must
   * not write from it. The renew deadline is the bound: past it, a leader has
   * stopped leading anyway. The next round reads again.
   */
  private stale(sentAtMs: number): boolean {
    const ageMs = this.clock() - sentAtMs;
    if (ageMs < this.options.renewDeadlineMs) return false;
    this.options.log.warn(
      "leader election: the Lease read is older than the renew deadline; reading again",
      {
        lease: this.options.store.where,
        ageMs: Math.round(ageMs),
      },
    );
    return true;
  }

  private record(previous: LeaseRecord | undefined, nowMs: number): LeaseRecord {
    const now = microTime(nowMs);
    const keeps = previous !== undefined && previous.holderIdentity === this.options.identity;
    return {
      holderIdentity: this.options.identity,
      leaseDurationSeconds: Math.ceil(this.options.leaseDurationMs / 1000),
      acquireTime: keeps ? previous.acquireTime : now,
      renewTime: now,
      leaseTransitions: (previous?.leaseTransitions ?? 0) + (previous && !keeps ? 1 : 0),
    };
  }

  private renewed(sentAtMs: number): void {
    this.renewedAtMs = sentAtMs;
    this.lastHolder = this.options.identity;
    if (!this.isLeader) this.setLeader(true, "acquired the Lease");
    // Give up exactly at the deadline if no renewal comes, whatever the loop is doing.
    clearTimeout(this.deadline);
    this.deadline = setTimeout(
      () => {
        if (this.isLeader && !this.leading)
          this.setLeader(false, `no renewal within ${this.options.renewDeadlineMs} ms`);
      },
      sentAtMs + this.options.renewDeadlineMs - this.clock() + 1,
    );
  }

  private setLeader(leading: boolean, reason: string): void {
    this.isLeader = leading;
    const fields = { identity: this.options.identity, lease: this.options.store.where, reason };
    if (leading) {
      this.options.log.info("leader election: became the leader", fields);
    } else {
      this.renewedAtMs = undefined;
      clearTimeout(this.deadline);
      this.options.log.warn("leader election: stopped leading; writes stop now", fields);
    }
    this.options.onChange?.(leading);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

// --- the Lease in a cluster ---------------------------------------------------

export function kubernetesLeaseStore(
  client: ClusterClient,
  namespace: string,
  name: string,
): LeaseStore {
  return {
    where: `${namespace}/${name}`,
    async get() {
      const lease = await client.getLease(namespace, name);
      return lease && { record: toRecord(lease.spec), resourceVersion: lease.resourceVersion };
    },
    create: (record) => client.createLease(namespace, name, record),
    update: (record, resourceVersion) =>
      client.updateLease(namespace, name, record, resourceVersion),
  };
}

function toRecord(spec: LeaseSpec): LeaseRecord {
  return {
    holderIdentity: spec.holderIdentity ?? "",
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: spec.acquireTime ?? "",
    renewTime: spec.renewTime ?? "",
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
}
