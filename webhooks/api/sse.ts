// Server-sent events framing (the HTML living standard's text/event-stream):
// `event:` names the kind, `data:` holds one JSON line, a blank line ends it.
import type { StreamEvent } from "./types.js";

export function sseFrame(event: StreamEvent, id?: string): string {
  // JSON.stringify never emits a raw newline, so the data is always one line.
  const idLine = id === undefined ? "" : `id: ${id}\n`;
  return `${idLine}event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** A comment line: keeps proxies from closing an idle stream, and tells a client it is connected. */
export function sseComment(text: string): string {
  return `: ${text.replace(/\n/g, " ")}\n\n`;
}

/** Parses a text/event-stream into its events (for clients and tests). */
export function parseSse(text: string): { event: string; data: string }[] {
  return text
    .split(/\n\n/)
    .map((block) => {
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      return { event, data: data.join("\n") };
    })
    .filter((e) => e.data !== "");
}
