// apps/<app>/app.yaml: a group of components (DESIGN §2).
import type { FromSchema } from "json-schema-to-ts";
import { dnsLabel, kindSchema, text } from "./common.js";
import { componentSchema } from "./component.js";

export const appSchema = kindSchema("App", {
  type: "object",
  additionalProperties: false,
  required: ["components"],
  properties: {
    title: text,
    description: text,
    components: {
      type: "object",
      minProperties: 1,
      propertyNames: dnsLabel,
      additionalProperties: componentSchema,
    },
  },
});

export type AppDoc = FromSchema<typeof appSchema>;
