// `event: sync` on the events stream: a repository sync finished.
import type { FromSchema } from "json-schema-to-ts";
import { count, duration, flag, text, time } from "./fields.js";

export const syncEventSchema = {
  type: "object",
  additionalProperties: false,
  description: "a repository sync finished",
  required: ["time", "repo", "reason", "fetch", "ms", "result"],
  properties: {
    time: time("when it finished"),
    repo: text("the repository as given to --repo"),
    reason: text(
      "what started it: start, poll, local commit, cluster change, or `webhook <provider> <syncId>`",
    ),
    fetch: flag("whether it fetched from Git (a drift sync does not)"),
    ms: duration("how long it took, in milliseconds"),
    result: { enum: ["ok", "error"], description: "ok, or error when lastError is set" },
    error: text("what went wrong: a fetch error or an unreadable control branch"),
    platforms: count(
      "platforms it asked to reconcile: every one, or after a webhook those whose inputs moved",
    ),
  },
} as const;

export type SyncEventData = FromSchema<typeof syncEventSchema>;
