// kubefox.yaml: the system a repository describes (DESIGN §2).
import type { FromSchema } from "json-schema-to-ts";
import { kindSchema, text } from "./common.js";

export const systemSchema = kindSchema("System", {
  type: "object",
  additionalProperties: false,
  properties: { title: text, description: text },
});

export type SystemDoc = FromSchema<typeof systemSchema>;
