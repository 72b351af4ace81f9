// An applied object that is not Ready yet, with why (controller/reconcile/health.ts,
// after kstatus's rules): what holds a deployment or a release version out of Ready.
import type { FromSchema } from "json-schema-to-ts";
import { text } from "./fields.js";
import { stateSchema } from "./state.js";

export const notReadyObjectSchema = {
  type: "object",
  additionalProperties: false,
  description: "an applied object that is not Ready, with why (kstatus's message)",
  required: ["apiVersion", "kind", "name", "state", "message"],
  properties: {
    apiVersion: text("its API version"),
    kind: text("its kind"),
    name: text("its name"),
    namespace: text("its namespace; absent for cluster-scoped objects"),
    state: { ...stateSchema, description: "Progressing or Degraded" },
    message: text("why it is not Ready, e.g. `Ready: 0/1` or `PVC is not Bound. phase: Pending`"),
  },
} as const;

export type NotReadyObject = FromSchema<typeof notReadyObjectSchema>;
