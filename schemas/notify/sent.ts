// What was already delivered, kept in a ConfigMap `kubefox-gitops-notifications`
// in each platform's namespace (controller/notify/sent-store.ts), so that a
// restart sends nothing new for unchanged states (issue 14). Users' clusters
// hold it: a field may be added, never renamed.
import type { FromSchema } from "json-schema-to-ts";
import { text, time } from "../status/fields.js";
import { commitStatusStateSchema } from "./commit-status.js";

export const sentRecordSchema = {
  type: "object",
  additionalProperties: false,
  description: "the sent.json of a platform's notifications ConfigMap",
  required: ["statuses", "alerts"],
  properties: {
    statuses: {
      type: "object",
      description: "the last commit status sent, by `<commit> <context>`",
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        required: ["state", "description", "time"],
        properties: {
          state: commitStatusStateSchema,
          description: text("the description sent"),
          time: time("when it was accepted"),
        },
      },
    },
    alerts: {
      type: "object",
      description:
        "what was last alerted, by subject (`deployment <ref>`, `release <env> pending` ...): `<type> <commit>`",
      additionalProperties: { type: "string" },
    },
  },
} as const;

export type SentRecord = FromSchema<typeof sentRecordSchema>;
