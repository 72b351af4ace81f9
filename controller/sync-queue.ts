// Sync triggers for one repository coalesce (DESIGN §5): while a sync runs,
// every further request folds into one pending sync, so a burst of N triggers
// causes at most two syncs, and syncs of one repository never overlap.

export interface SyncRequest {
  /** Fetch from the source first (Git changed), or only re-check the cluster (drift). */
  fetch: boolean;
  reason: string;
}

export class SyncQueue {
  private running: Promise<void> | undefined;
  private pending: SyncRequest | undefined;
  private closed = false;
  /** Syncs started so far (for metrics and the coalescing tests). */
  started = 0;

  constructor(private readonly run: (request: SyncRequest) => Promise<void>) {}

  request(request: SyncRequest): void {
    if (this.closed) return;
    if (this.pending) {
      this.pending = { fetch: this.pending.fetch || request.fetch, reason: this.pending.reason };
      return;
    }
    this.pending = request;
    if (!this.running) this.running = this.drain();
  }

  /** Resolves when no sync runs and none is pending. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Takes no new requests; waits for the sync in flight (and drops a pending one). */
  async close(): Promise<void> {
    this.closed = true;
    this.pending = undefined;
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
