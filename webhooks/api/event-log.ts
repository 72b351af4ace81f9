// The events stream's memory (issue 13): every event gets an id, and the last
// few hundred are kept, so a client that lost its connection and comes back
// with `Last-Event-ID` is sent what it missed instead of starting over. Ids
// carry this process's epoch: an id from before a restart (or one that fell
// out of the buffer) is not honoured, and the client is told to re-read.
import type { StreamEvent } from "./types.js";

export interface LoggedEvent {
  id: string;
  event: StreamEvent;
}

/** What a reconnecting client gets: the events after its id, or `undefined` when that id is unknown. */
export type Replay = LoggedEvent[] | undefined;

export class EventLog {
  private readonly entries: LoggedEvent[] = [];
  private next = 1;

  constructor(
    /** How many events are kept for replay. */
    readonly capacity = 500,
    /** Tells ids of this process from those of another (a restart). */
    readonly epoch = Date.now().toString(36),
  ) {}

  append(event: StreamEvent): LoggedEvent {
    const logged = { id: `${this.epoch}-${this.next++}`, event };
    this.entries.push(logged);
    if (this.entries.length > this.capacity) this.entries.shift();
    return logged;
  }

  /** The id the next event will get minus one: where a client that connects now stands. */
  get lastId(): string {
    return `${this.epoch}-${this.next - 1}`;
  }

  /**
   * The events after `lastEventId`. Undefined when the id is not one of this
   * process's or is older than what is kept: the client must re-read.
   */
  since(lastEventId: string): Replay {
    const match = /^([0-9a-z]+)-(\d+)$/.exec(lastEventId.trim());
    if (!match || match[1] !== this.epoch) return undefined;
    const seq = Number(match[2]);
    if (seq >= this.next) return undefined;
    const oldest = this.next - this.entries.length;
    // Events seq+1 .. next-1 are needed; the oldest kept is `oldest`.
    if (seq + 1 < oldest) return undefined;
    return this.entries.slice(seq + 1 - oldest);
  }
}
