// An object in a managed namespace that we did not create (Helm's, a
// person's): listed, never touched (DESIGN §3).
import type { FromSchema } from "json-schema-to-ts";
import { text, texts } from "./fields.js";

export const unmanagedObjectSchema = {
  type: "object",
  additionalProperties: false,
  description:
    "an object in the platform's namespace that we did not create: listed, never touched",
  required: ["apiVersion", "kind", "name", "managers"],
  properties: {
    apiVersion: text("its apiVersion"),
    kind: text("its kind"),
    name: text("its name"),
    managers: texts(
      "its field managers, and `label:<value>` for a managed-by label: who seems to own it",
    ),
  },
} as const;

export type UnmanagedObject = FromSchema<typeof unmanagedObjectSchema>;
