// The JSON body a `generic` receiver gets (issue 14), signed with HMAC-SHA256
// of these exact bytes in `X-Signature: sha256=<hex>`, as our own generic
// inbound webhook is (README, Push webhooks).
import type { FromSchema } from "json-schema-to-ts";
import { alertEventSchema } from "../status/alert-event.js";
import { text } from "../status/fields.js";

export const webhookBodySchema = {
  type: "object",
  additionalProperties: false,
  description: "what a generic webhook receiver is sent",
  required: ["apiVersion", "kind", "notification", "alert"],
  properties: {
    apiVersion: { const: "kubefox.io/v1alpha1" },
    kind: { const: "Alert" },
    notification: text("the Notification file's name that routed it"),
    alert: alertEventSchema,
  },
} as const;

export type WebhookBody = FromSchema<typeof webhookBodySchema>;
