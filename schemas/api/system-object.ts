// `system/{name}/id|branch|tag/...`: the system read from one commit.
import type { FromSchema } from "json-schema-to-ts";
import { appSchema } from "../app.js";
import { commit, text } from "../status/fields.js";
import { metadataSchema } from "./metadata.js";
import { gitHash, kindFields } from "./object-fields.js";

/** An app as its app.yaml's spec has it. */
export const appSpecSchema = appSchema.properties.spec;

export const systemObjectSchema = {
  type: "object",
  additionalProperties: false,
  description: "the system at one commit: its apps, their components and routes",
  required: ["kind", "apiVersion", "id", "metadata", "gitRepo", "gitHash", "gitRef", "apps"],
  properties: {
    ...kindFields("System"),
    id: commit("the commit the system was read from"),
    metadata: metadataSchema,
    gitRepo: text("the watched repository (credentials masked)"),
    gitHash: gitHash("the commit's first 7 hex digits, as KubeFox shows it"),
    gitRef: text("how it was asked for: branch/<name>, tag/<name> or id/<commit>"),
    message: text("the commit's subject line"),
    apps: {
      type: "object",
      description: "each app's spec, by name",
      additionalProperties: appSpecSchema,
    },
  },
} as const;

export type SystemObject = FromSchema<typeof systemObjectSchema>;
