// The one subscription to the events stream (issue 13), read with fetch() so
// the bearer token goes in a header. On a lost connection it waits and comes
// back with Last-Event-ID: the server replays what was missed, or answers
// `X-Kubefox-Replay: reset` when it cannot, and then the dashboard re-reads
// everything (as it does on the first connect).
import type { StreamEvent } from "../../schemas/status/events.js";
import { apiBase, authHeaders } from "./api.js";
import { SseParser } from "./sse-parser.js";

export type LiveState = "connecting" | "live" | "reconnecting" | "unauthorized";

export interface Follow {
  onEvent(event: StreamEvent): void;
  /** Connected without a usable replay: everything must be re-read. */
  onReset(): void;
  onState(state: LiveState): void;
}

const names = new Set(["sync", "platform", "pod"]);

export function followEvents(follow: Follow): () => void {
  let stopped = false;
  let lastEventId: string | undefined;
  let controller: AbortController | undefined;
  let delay = 1000;

  const run = async () => {
    while (!stopped) {
      follow.onState(lastEventId === undefined ? "connecting" : "reconnecting");
      controller = new AbortController();
      try {
        const res = await fetch(`${apiBase}/events`, {
          headers: {
            Accept: "text/event-stream",
            ...authHeaders(),
            ...(lastEventId ? { "Last-Event-ID": lastEventId } : {}),
          },
          cache: "no-store",
          signal: controller.signal,
        });
        if (res.status === 401) {
          follow.onState("unauthorized");
          return;
        }
        if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
        const replayed = res.headers.get("X-Kubefox-Replay");
        follow.onState("live");
        delay = 1000;
        if (!lastEventId || !replayed || replayed === "reset") follow.onReset();
        const parser = new SseParser();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const message of parser.push(value)) {
            if (!names.has(message.event)) continue;
            try {
              follow.onEvent({
                event: message.event,
                data: JSON.parse(message.data),
              } as StreamEvent);
            } catch {
              // A line that is not JSON is not an event of ours.
            }
          }
          if (parser.lastEventId) lastEventId = parser.lastEventId;
        }
        if (parser.retry) delay = parser.retry;
      } catch {
        if (stopped) return;
      }
      if (stopped) return;
      follow.onState("reconnecting");
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  };
  void run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
