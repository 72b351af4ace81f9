// An object a sync could not apply: a conflict (it exists without our label,
// DESIGN §3) or an error the API server answered.
import type { FromSchema } from "json-schema-to-ts";
import { text } from "./fields.js";

export const objectStatusSchema = {
  type: "object",
  additionalProperties: false,
  description:
    "an object we want that could not be applied: it exists without our label (left alone), or the API server refused it",
  required: ["kind", "name", "message"],
  properties: {
    kind: text("its kind"),
    name: text("its name"),
    namespace: text("its namespace; absent for cluster-scoped objects"),
    message: text("what is wrong"),
  },
} as const;

export type ObjectStatus = FromSchema<typeof objectStatusSchema>;
