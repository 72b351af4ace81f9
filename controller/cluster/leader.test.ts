// The election's rules, with a Lease kept in memory and a fake clock, so that
// seconds of lease time run in microseconds. The same code against a real API
// server: test/leader/.
import os from "node:os";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SettingsError } from "../errors.js";
import { createLogger } from "../log.js";
import { parseSettings } from "../cli/settings.js";
import {
  LeaderElector,
  microTime,
  type LeaseRecord,
  type LeaseStore,
  type StoredLease,
} from "./leader.js";

/** One Lease with resourceVersions, as optimistic concurrency needs; `down` makes every call fail. */
class MemoryLease implements LeaseStore {
  readonly where = "test/lease";
  lease: StoredLease | undefined;
  down = false;
  writes: string[] = [];
  private version = 0;

  async get() {
    this.check();
    return this.lease && structuredClone(this.lease);
  }
  async create(record: LeaseRecord) {
    this.check();
    if (this.lease) return false;
    this.save(record);
    return true;
  }
  async update(record: LeaseRecord, resourceVersion: string) {
    this.check();
    if (this.lease?.resourceVersion !== resourceVersion) return false;
    this.save(record);
    return true;
  }
  private check() {
    if (this.down) throw new Error("connection refused");
  }
  private save(record: LeaseRecord) {
    this.writes.push(record.holderIdentity);
    this.lease = { record: structuredClone(record), resourceVersion: String(++this.version) };
  }
}

const timing = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };
const log = createLogger({ level: "error" });

function elector(store: LeaseStore, identity: string, changes: boolean[] = []) {
  return new LeaderElector({
    store,
    identity,
    ...timing,
    log,
    onChange: (leading) => changes.push(leading),
    // The fake timers' clock (the default is monotonic, which they do not move).
    clock: () => Date.now(),
  });
}

describe("LeaderElector", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("creates the Lease, leads, and renews it every retry period", async () => {
    const store = new MemoryLease();
    const changes: boolean[] = [];
    const a = elector(store, "a", changes);
    a.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(a.leading).toBe(true);
    expect(changes).toEqual([true]);
    expect(store.lease?.record).toMatchObject({
      holderIdentity: "a",
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
    });
    const acquired = store.lease!.record.acquireTime;
    await vi.advanceTimersByTimeAsync(6_100);
    expect(store.writes).toEqual(["a", "a", "a", "a"]);
    expect(store.lease?.record.acquireTime).toBe(acquired);
    expect(store.lease?.record.renewTime).not.toBe(acquired);
    await a.stop();
  });

  it("lets a second candidate follow while the holder renews", async () => {
    const store = new MemoryLease();
    const a = elector(store, "a");
    const b = elector(store, "b");
    a.start();
    await vi.advanceTimersByTimeAsync(10);
    b.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(a.leading).toBe(true);
    expect(b.leading).toBe(false);
    expect(b.holder).toBe("a");
    expect(new Set(store.writes)).toEqual(new Set(["a"]));
    await Promise.all([a.stop(), b.stop()]);
  });

  it("takes over once the Lease has not changed for its duration, not before", async () => {
    const store = new MemoryLease();
    const now = Date.now();
    // A holder that died: its Lease was renewed a moment ago and never again.
    store.lease = {
      record: {
        holderIdentity: "dead",
        leaseDurationSeconds: 15,
        acquireTime: microTime(now),
        renewTime: microTime(now),
        leaseTransitions: 3,
      },
      resourceVersion: "100",
    };
    const b = elector(store, "b");
    b.start();
    await vi.advanceTimersByTimeAsync(14_000);
    expect(b.leading).toBe(false);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(b.leading).toBe(true);
    expect(store.lease.record).toMatchObject({ holderIdentity: "b", leaseTransitions: 4 });
    await b.stop();
  });

  it("stops leading at the renew deadline when it cannot reach the API, before anyone may take over", async () => {
    const store = new MemoryLease();
    const changes: boolean[] = [];
    const a = elector(store, "a", changes);
    a.start();
    await vi.advanceTimersByTimeAsync(10);
    const renewedAt = Date.now();
    store.down = true;
    await vi.advanceTimersByTimeAsync(9_000);
    expect(a.leading).toBe(true);
    await vi.advanceTimersByTimeAsync(1_100);
    expect(a.leading).toBe(false);
    expect(changes).toEqual([true, false]);
    // A candidate measures from when it saw the last renewal: it can take over 15 s after it, at the earliest.
    expect(Date.now() - renewedAt).toBeLessThan(timing.leaseDurationMs);
    store.down = false;
    await vi.advanceTimersByTimeAsync(2_500);
    expect(a.leading).toBe(true); // nobody else took it: the old holder may renew
    await a.stop();
  });

  it("is not leading the moment its last renewal is older than the deadline, even if its loop is stuck", async () => {
    const store = new MemoryLease();
    const a = elector(store, "a");
    a.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(a.leading).toBe(true);
    // Move the clock without running timers: as if the event loop had stalled.
    vi.setSystemTime(Date.now() + timing.renewDeadlineMs);
    expect(a.leading).toBe(false);
    await a.stop();
  });

  it("writes nothing from a read that came back after the renew deadline (a process frozen mid-round)", async () => {
    const store = new MemoryLease();
    const a = elector(store, "a");
    a.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(a.leading).toBe(true);
    // The next read answers with the Lease as it was, then the process stalls past its deadline.
    const get = store.get.bind(store);
    const update = vi.spyOn(store, "update");
    let frozen = false;
    store.get = async () => {
      const answer = await get();
      if (!frozen) {
        frozen = true;
        vi.setSystemTime(Date.now() + timing.renewDeadlineMs + 1);
      }
      return answer;
    };
    await vi.advanceTimersByTimeAsync(2_000);
    expect(frozen).toBe(true);
    expect(update).not.toHaveBeenCalled();
    expect(a.leading).toBe(false);
    // The next round reads afresh: the Lease is still its own, so it takes it back.
    await vi.advanceTimersByTimeAsync(2_500);
    expect(update).toHaveBeenCalled();
    expect(a.leading).toBe(true);
    await a.stop();
  });

  it("steps down when another holder appears, and releases the Lease when it stops", async () => {
    const store = new MemoryLease();
    const a = elector(store, "a");
    a.start();
    await vi.advanceTimersByTimeAsync(10);
    store.lease!.record.holderIdentity = "usurper";
    store.lease!.resourceVersion = "999";
    await vi.advanceTimersByTimeAsync(2_100);
    expect(a.leading).toBe(false);
    await a.stop();
    expect(store.lease?.record.holderIdentity).toBe("usurper");

    const b = elector(new MemoryLease(), "b");
    b.start();
    await vi.advanceTimersByTimeAsync(10);
    await b.stop();
    const released = (b as unknown as { options: { store: MemoryLease } }).options.store.lease;
    expect(released?.record).toMatchObject({ holderIdentity: "", leaseDurationSeconds: 1 });
  });

  it("takes a released Lease at once", async () => {
    const store = new MemoryLease();
    const a = elector(store, "a");
    const b = elector(store, "b");
    a.start();
    await vi.advanceTimersByTimeAsync(10);
    b.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(b.leading).toBe(false);
    await a.stop();
    await vi.advanceTimersByTimeAsync(2_500);
    expect(b.leading).toBe(true);
    expect(store.lease?.record.leaseTransitions).toBe(1);
    await b.stop();
  });
});

describe("microTime", () => {
  it("writes the API's MicroTime: six fraction digits", () => {
    expect(microTime(Date.UTC(2025, 0, 2, 3, 4, 5, 678))).toBe("2025-01-02T03:04:05.678000Z");
  });
});

describe("leader election settings", () => {
  it("are off by default, for a local run", () => {
    expect(parseSettings(["--repo", "x"], {}).leaderElection).toBeUndefined();
  });

  it("default to client-go's times and a Lease kubefox-system/kubefox-gitops held by <hostname>_<pid>", () => {
    const s = parseSettings(["--repo", "x", "--leader-elect"], {});
    expect(s.leaderElection).toEqual({
      namespace: "kubefox-system",
      name: "kubefox-gitops",
      identity: `${os.hostname()}_${process.pid}`,
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
    });
    expect(Object.isFrozen(s.leaderElection)).toBe(true);
  });

  it("read every value from flags or KUBEFOX_GITOPS_* variables", () => {
    const s = parseSettings(["--repo", "x", "--leader-election-retry-period", "500ms"], {
      KUBEFOX_GITOPS_LEADER_ELECT: "true",
      KUBEFOX_GITOPS_LEADER_ELECTION_NAMESPACE: "ops",
      KUBEFOX_GITOPS_LEADER_ELECTION_ID: "gitops-a",
      KUBEFOX_GITOPS_LEADER_ELECTION_LEASE_DURATION: "4",
      KUBEFOX_GITOPS_LEADER_ELECTION_RENEW_DEADLINE: "3s",
    });
    expect(s.leaderElection).toMatchObject({
      namespace: "ops",
      name: "gitops-a",
      leaseDurationMs: 4_000,
      renewDeadlineMs: 3_000,
      retryPeriodMs: 500,
    });
    expect(
      parseSettings(["--repo", "x"], { KUBEFOX_GITOPS_LEADER_ELECT: "false" }).leaderElection,
    ).toBeUndefined();
  });

  it.each([
    [
      ["--leader-election-renew-deadline", "15s"],
      "must be longer than --leader-election-renew-deadline",
    ],
    [["--leader-election-retry-period", "9s"], "longer than 1.2 × --leader-election-retry-period"],
    [["--leader-election-lease-duration", "soon"], "use a duration such as 15s"],
    [["--leader-election-namespace", "Kube_System"], "not a valid Kubernetes name"],
  ])("refuses %j", (args, message) => {
    const parse = () => parseSettings(["--repo", "x", "--leader-elect", ...args], {});
    expect(parse).toThrow(SettingsError);
    expect(parse).toThrow(message);
  });

  it("refuses a KUBEFOX_GITOPS_LEADER_ELECT that is not a boolean", () => {
    expect(() => parseSettings(["--repo", "x"], { KUBEFOX_GITOPS_LEADER_ELECT: "maybe" })).toThrow(
      "use true or false",
    );
  });
});
