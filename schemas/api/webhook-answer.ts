// What POST /webhooks/{provider} answers (webhooks/receive.ts).
import type { FromSchema } from "json-schema-to-ts";
import { count, text } from "../status/fields.js";

export const webhookAnswerSchema = {
  type: "object",
  additionalProperties: false,
  description: "what a webhook request did",
  required: ["message"],
  properties: {
    message: text("what happened, or why the request was refused"),
    syncId: text("names the sync this push started; it appears in the sync's reason"),
    matched: count("watched repositories asked to sync"),
  },
} as const;

export type WebhookAnswerBody = FromSchema<typeof webhookAnswerSchema>;
