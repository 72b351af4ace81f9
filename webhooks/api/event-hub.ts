// One subscription to the view for every open events stream (issue 13), with
// the replay log behind Last-Event-ID. The view starts pod watches while it has
// a listener, so the hub holds its subscription only while a stream is open
// and for a grace period after the last one closes: long enough for a client
// whose connection dropped to come back and catch up, short enough that a
// controller nobody looks at does not keep watching pods. A new subscription
// starts a new log (a new epoch): ids from before it are not honoured, since
// events between the two were not seen.
import { EventLog, type LoggedEvent, type Replay } from "./event-log.js";
import type { StatusView } from "./types.js";

export type StreamClient = (event: LoggedEvent) => void;

let epochs = 0;
const newEpoch = () => `${Date.now().toString(36)}${(epochs++).toString(36)}`;

export class EventHub {
  private log: EventLog;
  private readonly clients = new Set<StreamClient>();
  private unsubscribe: (() => void) | undefined;
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly view: Pick<StatusView, "subscribe">,
    private readonly graceMs = 60_000,
    private readonly capacity = 500,
  ) {
    this.log = new EventLog(capacity, newEpoch());
  }

  /**
   * Adds a client; returns where it stands (the last id), what it missed since
   * `lastEventId` (undefined: unknown id, re-read), and how to detach.
   */
  attach(
    client: StreamClient,
    lastEventId?: string,
  ): { lastId: string; replay: Replay; detach: () => void } {
    clearTimeout(this.idle);
    this.idle = undefined;
    if (!this.unsubscribe) {
      this.log = new EventLog(this.capacity, newEpoch());
      this.unsubscribe = this.view.subscribe((event) => {
        const logged = this.log.append(event);
        for (const c of this.clients) c(logged);
      });
    }
    const replay = lastEventId === undefined ? [] : this.log.since(lastEventId);
    this.clients.add(client);
    return {
      lastId: this.log.lastId,
      replay,
      detach: () => {
        this.clients.delete(client);
        if (this.clients.size === 0 && !this.idle) {
          this.idle = setTimeout(() => this.stop(), this.graceMs);
          this.idle.unref?.();
        }
      },
    };
  }

  /** Drops the subscription (and with it the view's pod watches). */
  stop(): void {
    clearTimeout(this.idle);
    this.idle = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
