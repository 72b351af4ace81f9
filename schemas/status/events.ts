// Every event of the server-sent events stream (GET /api/kubefox/v0/events),
// by its `event:` name, with the schema of its `data:`.
import type { FromSchema } from "json-schema-to-ts";
import { alertEventSchema } from "./alert-event.js";
import { platformEventSchema } from "./platform-event.js";
import { podEventSchema } from "./pod-event.js";
import { syncEventSchema } from "./sync-event.js";

export const streamEventSchemas = {
  sync: syncEventSchema,
  platform: platformEventSchema,
  pod: podEventSchema,
  alert: alertEventSchema,
} as const;

export type StreamEventName = keyof typeof streamEventSchemas;

/** One event as the stream carries it: its name and its data. */
export type StreamEvent = {
  [E in StreamEventName]: { event: E; data: FromSchema<(typeof streamEventSchemas)[E]> };
}[StreamEventName];
