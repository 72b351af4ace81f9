// The deliveries' own bounded queue (issue 14): a reconcile only pushes and
// never waits. Deliveries in one lane (a commit-status context, a receiver)
// go one at a time, in order; lanes run side by side up to a bound. Each is
// retried as retry.ts decides; a host that asks to slow down holds every lane
// to it. A delivery that gives up is logged once, at error, and counted.
import type { Logger } from "../log.js";
import type { HttpRequest } from "./http-request.js";
import { decide, defaultRetryPolicy, type Decision, type RetryPolicy } from "./retry.js";
import type { Send } from "./send.js";

export type DeliveryResult = "sent" | "failed" | "given_up" | "skipped";

export interface Delivery {
  /** Deliveries with the same lane are sent one at a time, in the order pushed. */
  lane: string;
  /** Rate limits hold every delivery to the same host. */
  host: string;
  /** For metrics and logs: no secret in either. */
  provider: string;
  kind: "commit-status" | "alert";
  /** What it is, for logs: never a URL or a token. */
  describe: string;
  /** Asked right before each try: false drops it (it would repeat or go back). */
  wanted?: () => boolean;
  request: () => HttpRequest;
  /** Called once the host accepted it. */
  onSent?: () => void;
  /** Strings that must never appear in a log line (the token, the receiver's URL). */
  secrets: readonly string[];
}

export interface DeliveryOutcome {
  provider: string;
  kind: Delivery["kind"];
  result: DeliveryResult;
}

export interface DeliveryQueueOptions {
  send: Send;
  log: Logger;
  onOutcome?: (outcome: DeliveryOutcome) => void;
  policy?: RetryPolicy;
  /** Deliveries waiting in all lanes; beyond it a new one is given up at once. */
  maxQueued?: number;
  /** Lanes sending at once. */
  concurrency?: number;
  timeoutMs?: number;
  now?: () => number;
}

export class DeliveryQueue {
  private readonly lanes = new Map<string, Delivery[]>();
  private readonly running = new Set<string>();
  private readonly waiting: string[] = [];
  /** Hosts that asked to wait, until when (ms). */
  private readonly hostNotBefore = new Map<string, number>();
  private queued = 0;
  private closed = false;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: DeliveryQueueOptions) {}

  /** Queues a delivery; false when the queue is full (it is given up, logged and counted). */
  push(delivery: Delivery): boolean {
    if (this.closed) return false;
    if (this.queued >= (this.options.maxQueued ?? 1000)) {
      this.giveUp(delivery, "the delivery queue is full");
      return false;
    }
    this.queued++;
    const lane = this.lanes.get(delivery.lane);
    if (lane) lane.push(delivery);
    else this.lanes.set(delivery.lane, [delivery]);
    this.schedule(delivery.lane);
    return true;
  }

  /** Resolves once nothing is queued or being sent. */
  idle(): Promise<void> {
    if (this.queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get size(): number {
    return this.queued;
  }

  /** Stops: what is queued is dropped (a restart sends it again, see sent-store.ts). */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.lanes.clear();
    this.waiting.length = 0;
    this.queued = 0;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private schedule(lane: string): void {
    if (this.running.has(lane) || this.waiting.includes(lane)) return;
    if (this.running.size >= (this.options.concurrency ?? 8)) {
      this.waiting.push(lane);
      return;
    }
    this.running.add(lane);
    void this.drain(lane).finally(() => {
      this.running.delete(lane);
      const next = this.waiting.shift();
      if (next) this.schedule(next);
      if (this.lanes.get(lane)?.length) this.schedule(lane);
      if (this.queued === 0) for (const w of this.idleWaiters.splice(0)) w();
    });
  }

  private async drain(laneName: string): Promise<void> {
    const lane = this.lanes.get(laneName);
    while (!this.closed && lane && lane.length > 0) {
      const delivery = lane[0]!;
      await this.deliver(delivery);
      lane.shift();
      if (!this.closed) this.queued--;
    }
    if (lane?.length === 0) this.lanes.delete(laneName);
  }

  private async deliver(delivery: Delivery): Promise<void> {
    const now = this.options.now ?? Date.now;
    for (let attempt = 1; !this.closed; attempt++) {
      const holdMs = (this.hostNotBefore.get(delivery.host) ?? 0) - now();
      if (holdMs > 0) await this.sleep(holdMs);
      if (this.closed) return;
      if (delivery.wanted && !delivery.wanted()) {
        this.outcome(delivery, "skipped");
        return;
      }
      const answer = await this.options.send(delivery.request(), this.options.timeoutMs ?? 10_000);
      const decision: Decision = decide(
        answer,
        attempt,
        now(),
        this.options.policy ?? defaultRetryPolicy,
      );
      if (decision.kind === "done") {
        delivery.onSent?.();
        this.outcome(delivery, "sent");
        this.options.log.debug("delivered", {
          delivery: delivery.describe,
          provider: delivery.provider,
        });
        return;
      }
      if (decision.kind === "give-up") {
        this.giveUp(delivery, decision.reason);
        return;
      }
      this.outcome(delivery, "failed");
      this.options.log.debug("delivery will be retried", {
        delivery: delivery.describe,
        provider: delivery.provider,
        reason: redact(decision.reason, delivery.secrets),
        retryInMs: decision.afterMs,
      });
      if (decision.hostWide)
        this.hostNotBefore.set(
          delivery.host,
          Math.max(this.hostNotBefore.get(delivery.host) ?? 0, now() + decision.afterMs),
        );
      await this.sleep(decision.afterMs);
    }
  }

  private giveUp(delivery: Delivery, reason: string): void {
    this.outcome(delivery, "given_up");
    this.options.log.error("delivery given up", {
      delivery: delivery.describe,
      provider: delivery.provider,
      kind: delivery.kind,
      reason: redact(reason, delivery.secrets),
    });
  }

  private outcome(delivery: Delivery, result: DeliveryResult): void {
    this.options.onOutcome?.({ provider: delivery.provider, kind: delivery.kind, result });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.timers.add(timer);
    });
  }
}

/** Replaces every secret in `text` with ***: a last guard for log lines. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join("***");
  return out;
}
