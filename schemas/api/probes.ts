// What /healthz and /readyz answer (webhooks/server.ts).
import { text } from "../status/fields.js";

export const healthSchema = {
  type: "object",
  additionalProperties: false,
  description: "the process is up",
  required: ["status"],
  properties: { status: { const: "ok", description: "always ok" } },
} as const;

export const readySchema = {
  type: "object",
  additionalProperties: false,
  description: "every repository's first sync has finished",
  required: ["ready"],
  properties: { ready: { const: true, description: "always true" } },
} as const;

export const notReadySchema = {
  type: "object",
  additionalProperties: false,
  description: "not every repository has finished its first sync yet",
  required: ["ready", "message"],
  properties: {
    ready: { const: false, description: "always false" },
    message: text("what it waits for"),
  },
} as const;
