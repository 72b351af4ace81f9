// notifications/<name>.yaml: which alerts go to which receiver (DESIGN §2, §6a;
// issue 14). The receiver's URL is a secret: the file names the receiver, the
// controller holds its URL (--notification-secrets-dir, KUBEFOX_GITOPS_RECEIVER_<NAME>).
import type { FromSchema } from "json-schema-to-ts";
import { dnsLabel, kindSchema } from "./common.js";
import { alertTypeSchema, severitySchema } from "./status/alert-event.js";

export const notificationSchema = kindSchema("Notification", {
  type: "object",
  additionalProperties: false,
  required: ["receiver"],
  properties: {
    receiver: {
      type: "object",
      additionalProperties: false,
      required: ["type", "name"],
      properties: {
        // slack: an incoming webhook; teams: a Workflows webhook (Adaptive Card);
        // generic: JSON signed with HMAC-SHA256 in X-Signature: sha256=<hex>.
        type: { enum: ["slack", "teams", "generic"] },
        // The name the controller holds the receiver's URL (and signing secret) under.
        name: dnsLabel,
      },
    },
    // Empty (the default): every event.
    events: { type: "array", default: [], items: alertTypeSchema },
    // Empty (the default): every platform.
    platforms: { type: "array", default: [], items: dnsLabel },
    // Empty (the default): every environment. Deployments without one match only when empty.
    environments: { type: "array", default: [], items: dnsLabel },
    // The least severe event sent.
    severity: { ...severitySchema, default: "info" },
  },
});

export type NotificationDoc = FromSchema<typeof notificationSchema>;
export type ReceiverType = NotificationDoc["spec"]["receiver"]["type"];
