// Sync triggers for one repository coalesce (DESIGN §5): while a sync runs,
// every further request folds into one pending sync, so a burst of N triggers
// causes at most two syncs, and syncs of one repository never overlap. A burst
// that lasts longer than a sync (a webhook flood over seconds) goes through
// requestSettled, which holds the follow-up until the burst is over.

export interface SyncRequest {
  /** Fetch from the source first (Git changed), or only re-check the cluster (drift). */
  fetch: boolean;
  reason: string;
  /**
   * Reconcile only the platforms whose inputs changed (a webhook, a local commit: Git
   * moved, and what it moved is what needs work). Without it every platform reconciles
   * (the poll's resync, a start, a change of ownership). Folded with a request without
   * it, it is dropped: the sync does it all.
   */
  changedOnly?: boolean;
}

/** Two requests as one: fetch if either fetches; every platform unless both ask for the changed ones only. */
export function foldRequests(a: SyncRequest, b: SyncRequest): SyncRequest {
  return {
    fetch: a.fetch || b.fetch,
    reason: a.reason,
    ...(a.changedOnly && b.changedOnly ? { changedOnly: true } : {}),
  };
}

/** How requestSettled waits: for this long without a request, but never longer than maxWaitMs. */
export interface SettleOptions {
  quietMs: number;
  maxWaitMs: number;
}

// Quiet: far above the gaps within a burst (milliseconds), below the time from one push's
// webhook to the next when each waits for the last to be deployed (the push benchmark).
export const defaultSettle: SettleOptions = { quietMs: 150, maxWaitMs: 10_000 };

export class SyncQueue {
  private running: Promise<void> | undefined;
  private pending: SyncRequest | undefined;
  /** A request held by requestSettled until its burst is over; `fired` resolves when it is requested. */
  private settling:
    | {
        request: SyncRequest;
        since: number;
        timer: NodeJS.Timeout | undefined;
        fired: Promise<void>;
        release: () => void;
      }
    | undefined;
  /** When requestSettled last requested a sync (at once, or after a burst). */
  private lastSettled = -Infinity;
  private closed = false;
  /** Syncs started so far (for metrics and the coalescing tests). */
  started = 0;

  constructor(private readonly run: (request: SyncRequest) => Promise<void>) {}

  request(request: SyncRequest): void {
    if (this.closed) return;
    if (this.pending) {
      this.pending = foldRequests(this.pending, request);
      return;
    }
    this.pending = request;
    if (!this.running) this.running = this.drain();
  }

  /**
   * A request from a trigger that comes in bursts (webhooks, issue 8). On an
   * idle queue it runs at once. Otherwise (a sync runs, or one started a
   * moment ago) a follow-up is needed, but the burst may go on for longer than
   * a sync takes, and folding it into `pending` would then run one sync after
   * another for as long as it lasts (a flood of 1,000 webhooks over three
   * seconds made 18). So it is held until no request came for `quietMs` (at
   * most `maxWaitMs` after the first one held, so a flood that never ends
   * still syncs), then requested once.
   */
  requestSettled(request: SyncRequest, options: SettleOptions = defaultSettle): void {
    if (this.closed) return;
    const now = Date.now();
    const idle = !this.running && !this.pending && !this.settling;
    // Idle, and the last one was not a moment ago: the head of a burst (or a lone push).
    if (idle && now - this.lastSettled >= options.quietMs) {
      this.lastSettled = now;
      this.request(request);
      return;
    }
    let held = this.settling;
    if (held) {
      held.request = foldRequests(held.request, request);
      clearTimeout(held.timer);
    } else {
      let release = () => undefined as void;
      const fired = new Promise<void>((resolve) => (release = resolve));
      held = this.settling = { request, since: now, timer: undefined, fired, release };
    }
    const wait = Math.min(options.quietMs, held.since + options.maxWaitMs - now);
    held.timer = setTimeout(() => this.releaseSettled(), Math.max(0, wait));
  }

  private releaseSettled(): void {
    const held = this.settling;
    if (!held) return;
    this.settling = undefined;
    this.lastSettled = Date.now();
    this.request(held.request);
    held.release();
  }

  /** Resolves when no sync runs and none is pending or held. */
  async idle(): Promise<void> {
    while (this.running || this.settling) {
      if (this.settling) await this.settling.fired;
      else await this.running;
    }
  }

  /** Takes no new requests; waits for the sync in flight (and drops a pending or held one). */
  async close(): Promise<void> {
    this.closed = true;
    this.pending = undefined;
    const held = this.settling;
    this.settling = undefined;
    clearTimeout(held?.timer);
    held?.release();
    await this.idle();
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending && !this.closed) {
        const next = this.pending;
        this.pending = undefined;
        this.started++;
        await this.run(next).catch(() => undefined);
      }
    } finally {
      this.running = undefined;
    }
  }
}
