// Which shards this replica should hold (issue 17): a pure decision from the
// Leases it observed and its own clock, so every case is a table row
// (shard-plan.test.ts). shards.ts carries the plan out against the cluster.
//
// Every replica computes the same target from the same observation: each live
// member gets ⌊N/k⌋ or ⌈N/k⌉ of the N shards (balanced within one shard); a
// member keeps the shards it holds up to its quota, so a join or a departure
// moves only the shards it must; a shard left over goes to the member with
// room whose rendezvous score for it is highest. A replica acts only for
// itself: it claims a shard the target gives it once that shard's Lease is free
// or expired, renews what it holds and keeps, and releases what the target
// gives another. Safety does not rest on the replicas agreeing: a Lease has
// one holder at a time, and a holder writes only while its renewal is fresh.
import { createHash } from "node:crypto";

/** A Lease as one replica saw it: who holds it, and when it last changed by this replica's clock. */
export interface ObservedLease {
  /** "" when released. */
  holder: string;
  /** Local (monotonic) time at which this replica saw the Lease change last. */
  observedAtMs: number;
  durationSeconds: number;
}

export interface ShardObservation {
  /** This replica's identity. */
  self: string;
  shardCount: number;
  /** Local monotonic time now. */
  nowMs: number;
  /** Every member Lease seen (this replica's own may be missing yet: it counts as live). */
  members: ObservedLease[];
  /** Shard i's Lease, undefined when it does not exist yet. */
  shards: (ObservedLease | undefined)[];
}

export interface ShardPlan {
  /** Live members, sorted. */
  members: string[];
  /** The member each shard should go to. */
  target: string[];
  /** Shards to take: the target gives them to this replica and their Lease is free or expired. */
  claim: number[];
  /** Shards this replica holds and keeps. */
  renew: number[];
  /** Shards this replica holds that the target gives another: stop writing, then let go. */
  release: number[];
}

/** Is the Lease held, and renewed within its duration as this replica counts time? */
export function live(lease: ObservedLease | undefined, nowMs: number): boolean {
  return (
    lease !== undefined &&
    lease.holder !== "" &&
    nowMs < lease.observedAtMs + lease.durationSeconds * 1000
  );
}

export function planShards(o: ShardObservation): ShardPlan {
  const members = [
    ...new Set([o.self, ...o.members.filter((m) => live(m, o.nowMs)).map((m) => m.holder)]),
  ].sort();
  const isMember = new Set(members);
  // Who holds what now: a live holder that is a live member (this replica's own always count).
  const held = new Map<string, number[]>(members.map((m) => [m, []]));
  for (let i = 0; i < o.shardCount; i++) {
    const lease = o.shards[i];
    if (!lease) continue;
    const mine = lease.holder === o.self;
    if (mine || (live(lease, o.nowMs) && isMember.has(lease.holder)))
      held.get(lease.holder)!.push(i);
  }
  // Quotas: ⌈N/k⌉ for the first N mod k members by shards held (most first), ⌊N/k⌋ for the rest.
  const base = Math.floor(o.shardCount / members.length);
  const extra = o.shardCount % members.length;
  const byHoldings = [...members].sort(
    (a, b) => held.get(b)!.length - held.get(a)!.length || (a < b ? -1 : 1),
  );
  const quota = new Map(byHoldings.map((m, rank) => [m, base + (rank < extra ? 1 : 0)]));

  const target: (string | undefined)[] = new Array<string | undefined>(o.shardCount);
  const count = new Map(members.map((m) => [m, 0]));
  for (const m of members) {
    for (const i of held.get(m)!.slice(0, quota.get(m))) {
      target[i] = m;
      count.set(m, count.get(m)! + 1);
    }
  }
  for (let i = 0; i < o.shardCount; i++) {
    if (target[i] !== undefined) continue;
    const withRoom = members.filter((m) => count.get(m)! < quota.get(m)!);
    const to = withRoom.reduce((best, m) => (score(m, i) > score(best, i) ? m : best));
    target[i] = to;
    count.set(to, count.get(to)! + 1);
  }

  const plan: ShardPlan = {
    members,
    target: target as string[],
    claim: [],
    renew: [],
    release: [],
  };
  for (let i = 0; i < o.shardCount; i++) {
    const lease = o.shards[i];
    const mine = lease?.holder === o.self;
    const toMe = target[i] === o.self;
    if (mine && toMe) plan.renew.push(i);
    else if (mine) plan.release.push(i);
    else if (toMe && !live(lease, o.nowMs)) plan.claim.push(i);
  }
  return plan;
}

/** Rendezvous (highest random weight) score of a member for a shard. */
function score(member: string, shard: number): number {
  return createHash("sha256").update(`${member}/${shard}`).digest().readUInt32BE(0);
}

/** The shard a platform belongs to: a stable hash of its name, the same on every replica. */
export function shardOf(platform: string, shardCount: number): number {
  return createHash("sha256").update(platform).digest().readUInt32BE(0) % shardCount;
}
