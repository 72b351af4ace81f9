import { describe, expect, it } from "vitest";
import { parseSettings } from "../cli/settings.js";
import { SettingsError } from "../errors.js";
import { planShards, shardOf, type ObservedLease, type ShardObservation } from "./shard-plan.js";

const now = 100_000;
/** A Lease held by `holder`, seen changing `agoMs` ago, lasting 15 s. */
const lease = (holder: string, agoMs = 0): ObservedLease => ({
  holder,
  observedAtMs: now - agoMs,
  durationSeconds: 15,
});
const members = (...names: string[]) => names.map((n) => lease(n));
const expired = 16_000;

function plan(
  self: string,
  memberLeases: ObservedLease[],
  shards: (ObservedLease | undefined)[],
  shardCount = shards.length,
) {
  const o: ShardObservation = { self, shardCount, nowMs: now, members: memberLeases, shards };
  const p = planShards(o);
  return { target: p.target.join(","), claim: p.claim, renew: p.renew, release: p.release };
}

describe("planShards", () => {
  it.each([
    {
      case: "alone, nothing exists yet: claims every shard",
      got: plan("a", [], [undefined, undefined, undefined]),
      want: { target: "a,a,a", claim: [0, 1, 2], renew: [], release: [] },
    },
    {
      case: "alone, holding everything: renews it all",
      got: plan("a", members("a"), [lease("a"), lease("a")]),
      want: { target: "a,a", claim: [], renew: [0, 1], release: [] },
    },
    {
      case: "a second member arrives: the holder keeps half and releases the rest",
      got: plan("a", members("a", "b"), [lease("a"), lease("a"), lease("a"), lease("a")]),
      want: { target: "a,a,b,b", claim: [], renew: [0, 1], release: [2, 3] },
    },
    {
      case: "the newcomer waits while the shards it is given are still held",
      got: plan("b", members("a", "b"), [lease("a"), lease("a"), lease("a"), lease("a")]),
      want: { target: "a,a,b,b", claim: [], renew: [], release: [] },
    },
    {
      case: "the newcomer takes them once released",
      got: plan("b", members("a", "b"), [lease("a"), lease("a"), lease(""), lease("")]),
      want: { target: "a,a,b,b", claim: [2, 3], renew: [], release: [] },
    },
    {
      case: "an odd count: balanced within one shard, the bigger holder keeps the extra one",
      got: plan("a", members("a", "b"), [
        lease("a"),
        lease("a"),
        lease("a"),
        lease("b"),
        lease("a"),
      ]),
      want: { target: "a,a,a,b,b", claim: [], renew: [0, 1, 2], release: [4] },
    },
    {
      case: "a member whose Lease expired is gone: its shards are taken once their Leases expire",
      got: plan(
        "a",
        [lease("a"), lease("b", expired)],
        [lease("a"), lease("b", expired), lease("a"), lease("b", expired)],
      ),
      want: { target: "a,a,a,a", claim: [1, 3], renew: [0, 2], release: [] },
    },
    {
      case: "a dead member's shard whose Lease still runs is not taken yet (never two writers)",
      got: plan("a", [lease("a"), lease("b", expired)], [lease("a"), lease("b", 1000)]),
      want: { target: "a,a", claim: [], renew: [0], release: [] },
    },
    {
      case: "a third member joins two: each gives up only what it must",
      got: plan("c", members("a", "b", "c"), [
        lease("a"),
        lease("a"),
        lease("a"),
        lease(""),
        lease("b"),
        lease("b"),
      ]),
      want: { target: "a,a,c,c,b,b", claim: [3], renew: [], release: [] },
    },
    {
      case: "more members than shards: some hold none",
      got: plan("c", members("a", "b", "c"), [lease("a"), lease("b")]),
      want: { target: "a,b", claim: [], renew: [], release: [] },
    },
    {
      case: "a frozen replica that wakes to find its shard taken does not claim it back",
      got: plan("a", [lease("a", expired), lease("b")], [lease("b"), lease("b")]),
      want: { target: "b,a", claim: [], renew: [], release: [] },
    },
  ])("$case", ({ got, want }) => {
    expect(got).toEqual(want);
  });

  it("gives every member of any group the same share, within one, and every shard one target", () => {
    for (const k of [1, 2, 3, 4, 5, 7]) {
      for (const n of [1, 2, 8, 16, 31]) {
        const names = Array.from({ length: k }, (_, i) => `replica-${i}`);
        const p = planShards({
          self: names[0]!,
          shardCount: n,
          nowMs: now,
          members: members(...names),
          shards: new Array(n).fill(undefined),
        });
        const counts = names.map((m) => p.target.filter((t) => t === m).length);
        expect(p.target).toHaveLength(n);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }
    }
  });

  it("every replica computes the same target from the same Leases", () => {
    const shards = [lease("a"), lease(""), lease("b"), undefined, lease("c"), lease("a")];
    const targets = ["a", "b", "c", "d"].map(
      (self) =>
        planShards({
          self,
          shardCount: 6,
          nowMs: now,
          members: members("a", "b", "c", "d"),
          shards,
        }).target,
    );
    expect(new Set(targets.map((t) => t.join()))).toHaveLength(1);
  });
});

describe("shardOf", () => {
  it("is stable and within range", () => {
    expect(shardOf("dev", 8)).toBe(shardOf("dev", 8));
    for (const name of ["dev", "prod", "staging", "p-42"]) {
      expect(shardOf(name, 8)).toBeGreaterThanOrEqual(0);
      expect(shardOf(name, 8)).toBeLessThan(8);
      expect(shardOf(name, 1)).toBe(0);
    }
  });
});

describe("--shards", () => {
  it("is 1 by default: leader election as before, off for a local run", () => {
    const s = parseSettings(["--repo", "x"], {});
    expect(s.shards).toBe(1);
    expect(s.leaderElection).toBeUndefined();
  });

  it("above 1 turns the Leases on, with the leader election flags' namespace and times", () => {
    const s = parseSettings(["--repo", "x"], { KUBEFOX_GITOPS_SHARDS: "8" });
    expect(s.shards).toBe(8);
    expect(s.leaderElection).toMatchObject({ namespace: "kubefox-system", name: "kubefox-gitops" });
  });

  it.each(["0", "-1", "two", "1.5", "257"])("refuses %s", (value) => {
    expect(() => parseSettings(["--repo", "x", "--shards", value], {})).toThrow(SettingsError);
  });
});
