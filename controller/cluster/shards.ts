// Sharding (issue 17): the executor of shard-plan.ts. Platforms hash to N
// shards; shard i is a coordination.k8s.io/v1 Lease `<id>-shard-<i>`, and every
// replica keeps a member Lease `<id>-member-<hash of its identity>` that says it
// is alive. Every retry period a replica lists the group's Leases (one call),
// renews its member Lease, asks planShards what to claim, renew and release,
// and does it with optimistic concurrency (a Lease changed in between is left
// for the next round).
//
// The write guard is leader election's, per shard: a replica writes a platform
// only while the last renewal of its shard's Lease was sent less than the renew
// deadline ago, by its own monotonic clock. The renew deadline is shorter than
// the lease duration others wait, so a replica that dies or freezes has stopped
// writing before anyone may take its shards; one that wakes from a freeze finds
// its renewals too old and writes nothing. A shard given to a newcomer is
// released only after the platforms of that shard finished what they were
// writing (`drain`), so the newcomer takes it at once without two writers.
import { createHash } from "node:crypto";
import type { ClusterClient, LeaseItem } from "./client.js";
import { describeError } from "../errors.js";
import type { Logger } from "../log.js";
import { microTime, type LeaseRecord } from "./leader.js";
import { planShards, shardOf, type ObservedLease, type ShardPlan } from "./shard-plan.js";

export interface ShardKeeperOptions {
  /** The client of the cluster the Leases live in (the default cluster). */
  client: ClusterClient;
  namespace: string;
  /** The Leases' common name (the leader election id): `<group>-shard-<i>`, `<group>-member-…`. */
  group: string;
  identity: string;
  shardCount: number;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  log: Logger;
  /** Called after the shards this replica may write changed. */
  onChange?: (owned: ReadonlySet<number>) => void;
  /** Resolves once nothing writes for the shard's platforms any more. */
  drain?: (shard: number) => Promise<void>;
  /** Milliseconds for local deadlines; default: monotonic. */
  clock?: () => number;
}

const groupLabel = "kubefox.io/lease-group";
const roleLabel = "kubefox.io/lease-role";
const monotonic = () => performance.timeOrigin + performance.now();

interface Seen extends ObservedLease {
  resourceVersion: string;
  record: LeaseRecord;
}

export class ShardKeeper {
  private readonly renewedAtMs = new Map<number, number>();
  private readonly releasing = new Set<number>();
  private readonly seen = new Map<string, Seen>();
  private owned: ReadonlySet<number> = new Set<number>();
  /** A shard's guard opened again after it had lapsed (a late renewal): its platforms' refused writes are retried. */
  private regained = false;
  private stopped = false;
  private rounds = 0;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly clock: () => number;
  private readonly memberName: string;
  /** The last plan, for logs and tests. */
  lastPlan: ShardPlan | undefined;

  constructor(private readonly options: ShardKeeperOptions) {
    this.clock = options.clock ?? monotonic;
    const hash = createHash("sha256").update(options.identity).digest("hex").slice(0, 12);
    this.memberName = `${options.group}-member-${hash}`;
  }

  get shardCount(): number {
    return this.options.shardCount;
  }

  /** May this replica write the shard now? Its last renewal is younger than the renew deadline. */
  mayWriteShard(shard: number): boolean {
    const at = this.renewedAtMs.get(shard);
    return (
      at !== undefined &&
      !this.releasing.has(shard) &&
      this.clock() - at < this.options.renewDeadlineMs
    );
  }

  /** May this replica write the platform now? */
  owns(platform: string): boolean {
    return this.mayWriteShard(shardOf(platform, this.options.shardCount));
  }

  /** Does this replica hold any shard now? */
  get holdsAny(): boolean {
    for (const shard of this.renewedAtMs.keys()) if (this.mayWriteShard(shard)) return true;
    return false;
  }

  /** The shards this replica may write now. */
  get shards(): ReadonlySet<number> {
    return new Set([...this.renewedAtMs.keys()].filter((s) => this.mayWriteShard(s)));
  }

  start(): void {
    if (this.running) return;
    this.options.log.info("sharding: starting", {
      namespace: this.options.namespace,
      shards: this.options.shardCount,
      identity: this.options.identity,
    });
    this.running = this.loop();
  }

  /** Stops, lets go of every shard and of the member Lease, so the others take over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    const held = [...this.renewedAtMs.keys()];
    for (const shard of held) this.releasing.add(shard);
    this.notify();
    const { client, namespace, log } = this.options;
    await Promise.all(held.map((shard) => this.letGo(shard)));
    try {
      await client.deleteLease(namespace, this.memberName);
    } catch (err) {
      log.warn("sharding: could not delete the member Lease", { error: describeError(err) });
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      await this.round();
      this.notify();
      await this.sleep(this.options.retryPeriodMs * (1 + Math.random() * 0.1));
    }
  }

  /** One round: observe, renew the member Lease, plan, act. */
  private async round(): Promise<void> {
    const { client, namespace, group, log } = this.options;
    const sentAtMs = this.clock();
    try {
      const items = await client.listLeases(namespace, `${groupLabel}=${group}`);
      if (this.stopped || this.stale(sentAtMs)) return;
      this.observe(items);
      // A failure here (the Lease deleted as departed while this replica was frozen) is
      // mended next round; the shards are renewed all the same.
      await this.renewMember(sentAtMs).catch((err: unknown) =>
        log.warn("sharding: renewing the member Lease failed", { error: describeError(err) }),
      );
      const shards = Array.from({ length: this.options.shardCount }, (_, i) =>
        this.seen.get(this.shardName(i)),
      );
      const members = [...this.seen.entries()]
        .filter(([name]) => name.startsWith(`${group}-member-`))
        .map(([, lease]) => lease);
      const plan = planShards({
        self: this.options.identity,
        shardCount: this.options.shardCount,
        nowMs: this.clock(),
        members,
        shards,
      });
      this.logChanges(plan);
      this.lastPlan = plan;
      // The first round only says this replica is here: replicas started together then see
      // each other before claiming, and split the shards instead of the first taking all.
      if (this.rounds++ === 0) return;
      await Promise.all(
        [...plan.claim, ...plan.renew]
          .filter((i) => !this.releasing.has(i))
          // One shard's failure leaves the others' renewals alone; its guard runs out by itself.
          .map((i) =>
            this.hold(i, sentAtMs).catch((err: unknown) =>
              log.warn("sharding: claiming or renewing a shard failed", {
                shard: i,
                error: describeError(err),
              }),
            ),
          ),
      );
      for (const i of plan.release) if (!this.releasing.has(i)) void this.release(i);
      await this.forgetDeparted(members);
    } catch (err) {
      log.warn("sharding: reading or renewing the Leases failed", {
        namespace,
        error: describeError(err),
      });
    }
  }

  private observe(items: LeaseItem[]): void {
    const now = this.clock();
    const names = new Set<string>();
    for (const item of items) {
      names.add(item.name);
      const known = this.seen.get(item.name);
      const record = toRecord(item);
      this.seen.set(item.name, {
        holder: record.holderIdentity,
        durationSeconds: record.leaseDurationSeconds,
        // client-go's rule: a Lease's age is counted from when this replica saw it change.
        observedAtMs:
          known && known.resourceVersion === item.resourceVersion ? known.observedAtMs : now,
        resourceVersion: item.resourceVersion,
        record,
      });
    }
    for (const name of this.seen.keys()) if (!names.has(name)) this.seen.delete(name);
  }

  private async renewMember(sentAtMs: number): Promise<void> {
    const { client, namespace } = this.options;
    const known = this.seen.get(this.memberName);
    const record = this.record(known?.record, Date.now());
    if (this.stale(sentAtMs)) return;
    if (known)
      await client.updateLease(
        namespace,
        this.memberName,
        record,
        known.resourceVersion,
        this.labels("member"),
      );
    else await client.createLease(namespace, this.memberName, record, this.labels("member"));
  }

  /** Claims or renews shard i; a success opens (or keeps open) the write guard from `sentAtMs`. */
  private async hold(shard: number, sentAtMs: number): Promise<void> {
    const { client, namespace } = this.options;
    const name = this.shardName(shard);
    const known = this.seen.get(name);
    const mine = known?.holder === this.options.identity;
    const record = this.record(
      mine ? known.record : known && { ...known.record, holderIdentity: "" },
      Date.now(),
    );
    if (this.stale(sentAtMs)) return;
    // The guard counts from when this write is sent: the API server takes it no earlier, and
    // others count the lease duration from when they see it. A write built on a Lease read
    // before a freeze carries that read's resourceVersion, and fails if anyone wrote since.
    const writtenAtMs = this.clock();
    const ok = known
      ? await client.updateLease(
          namespace,
          name,
          record,
          known.resourceVersion,
          this.labels("shard"),
        )
      : await client.createLease(namespace, name, record, this.labels("shard"));
    if (!ok) return; // someone wrote it in between: the next round reads it again
    if (!this.mayWriteShard(shard)) {
      // New, or renewed after the guard had lapsed (a renewal late under load): writes of its
      // platforms may have been refused meanwhile, so they are asked to reconcile again.
      this.regained = true;
      this.options.log.info("sharding: holding shard", { shard, lease: name });
    }
    this.renewedAtMs.set(shard, writtenAtMs);
  }

  /** Stops writing the shard at once, waits for its platforms' writes in flight, then lets go. */
  private async release(shard: number): Promise<void> {
    this.releasing.add(shard);
    this.notify();
    this.options.log.info("sharding: giving shard to another replica", { shard });
    const drained = await Promise.race([
      (this.options.drain?.(shard) ?? Promise.resolve()).then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), this.options.renewDeadlineMs)),
    ]);
    // Not drained in time: the Lease is left to expire, which gives the writes in flight longer.
    if (drained) await this.letGo(shard);
    this.renewedAtMs.delete(shard);
    this.releasing.delete(shard);
  }

  /** Marks the shard's Lease free ("" holder), if it is still ours. */
  private async letGo(shard: number): Promise<void> {
    const { client, namespace, log } = this.options;
    const name = this.shardName(shard);
    try {
      const current = await client.getLease(namespace, name);
      if (current?.spec.holderIdentity !== this.options.identity) return;
      const now = microTime(Date.now());
      await client.updateLease(
        namespace,
        name,
        {
          ...current.spec,
          holderIdentity: "",
          leaseDurationSeconds: 1,
          renewTime: now,
          acquireTime: now,
        },
        current.resourceVersion,
        this.labels("shard"),
      );
    } catch (err) {
      log.warn("sharding: could not release a shard's Lease", { shard, error: describeError(err) });
    }
  }

  /** Deletes member Leases that have not changed for three lease durations (replicas gone for good). */
  private async forgetDeparted(members: Seen[]): Promise<void> {
    const { client, namespace, leaseDurationMs } = this.options;
    const now = this.clock();
    for (const [name, lease] of this.seen) {
      if (!members.includes(lease) || name === this.memberName) continue;
      if (now - lease.observedAtMs < 3 * leaseDurationMs) continue;
      await client.deleteLease(namespace, name).catch(() => false);
      this.seen.delete(name);
    }
  }

  /** Is this round's reading older than the renew deadline (a freeze in between)? Then act on nothing. */
  private stale(sentAtMs: number): boolean {
    const ageMs = this.clock() - sentAtMs;
    if (ageMs < this.options.renewDeadlineMs) return false;
    this.options.log.warn(
      "sharding: the Leases read are older than the renew deadline; reading again",
      {
        ageMs: Math.round(ageMs),
      },
    );
    return true;
  }

  private notify(): void {
    const now = this.shards;
    const same = now.size === this.owned.size && [...now].every((s) => this.owned.has(s));
    if (same && !this.regained) return;
    this.regained = false;
    const lost = [...this.owned].filter((s) => !now.has(s));
    if (lost.length > 0)
      this.options.log.warn(
        "sharding: stopped writing shards; writes to their platforms stop now",
        {
          shards: lost,
        },
      );
    this.owned = now;
    this.options.onChange?.(now);
  }

  private logChanges(plan: ShardPlan): void {
    const before = this.lastPlan?.members.join(",");
    if (before !== plan.members.join(","))
      this.options.log.info("sharding: members", { members: plan.members });
  }

  private shardName(i: number): string {
    return `${this.options.group}-shard-${i}`;
  }

  private labels(role: "shard" | "member"): Record<string, string> {
    return { [groupLabel]: this.options.group, [roleLabel]: role };
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

function toRecord(item: LeaseItem): LeaseRecord {
  return {
    holderIdentity: item.spec.holderIdentity ?? "",
    leaseDurationSeconds: item.spec.leaseDurationSeconds ?? 0,
    acquireTime: item.spec.acquireTime ?? "",
    renewTime: item.spec.renewTime ?? "",
    leaseTransitions: item.spec.leaseTransitions ?? 0,
  };
}
