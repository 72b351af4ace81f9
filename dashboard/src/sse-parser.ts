// A text/event-stream parser for fetch() (issue 13): EventSource cannot send
// an Authorization header, and the token never goes in a URL, so the dashboard
// reads the stream itself. Fed chunks as they arrive; returns whole events.
// Follows the HTML standard's rules: `field: value` lines, a blank line ends
// an event, `:` starts a comment, an `id` is remembered even on an event
// without data (the server sends one on connect).

export interface SseMessage {
  event: string;
  data: string;
  id: string | undefined;
}

export class SseParser {
  private buffer = "";
  private event = "";
  private data: string[] = [];
  /** The last id the stream gave: what Last-Event-ID says on reconnect. */
  lastEventId: string | undefined;
  /** The reconnection delay the stream asked for, in ms. */
  retry: number | undefined;

  push(chunk: string): SseMessage[] {
    this.buffer += chunk;
    const out: SseMessage[] = [];
    let nl: RegExpExecArray | null;
    const lineEnd = /\r\n|\r|\n/g;
    let start = 0;
    while ((nl = lineEnd.exec(this.buffer))) {
      // A \r at the very end may be the first half of \r\n: wait for more.
      if (nl[0] === "\r" && nl.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(start, nl.index);
      start = nl.index + nl[0].length;
      const message = this.line(line);
      if (message) out.push(message);
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  private line(line: string): SseMessage | undefined {
    if (line === "") {
      const message =
        this.data.length > 0
          ? { event: this.event || "message", data: this.data.join("\n"), id: this.lastEventId }
          : undefined;
      this.event = "";
      this.data = [];
      return message;
    }
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.event = value;
    else if (field === "data") this.data.push(value);
    else if (field === "id" && !value.includes("\0")) this.lastEventId = value;
    else if (field === "retry" && /^\d+$/.test(value)) this.retry = Number(value);
    return undefined;
  }
}
