// `environment/{name}` and `config/{name}`: a control file as the status API
// serves it, its spec laid out flat beside where it was read (KubeFox's shape).
// A config carries secret references only, never a value.
import type { FromSchema } from "json-schema-to-ts";
import { configSchema } from "../config.js";
import { environmentSchema } from "../environment.js";
import { text } from "../status/fields.js";
import { metadataSchema } from "./metadata.js";
import { blobId, gitHash, kindFields } from "./object-fields.js";

const controlFields = <const Kind extends string>(kind: Kind) =>
  ({
    ...kindFields(kind),
    id: blobId("the Git blob id of its file (DESIGN §6)"),
    metadata: metadataSchema,
    system: text("the system whose repository holds it"),
    gitRef: text(
      "where it was read: branch/<control branch> or tag/<tag>; absent when asked for by id",
    ),
    gitHash: gitHash("the commit it was read from, first 7 hex digits"),
  }) as const;

const controlRequired = ["kind", "apiVersion", "id", "metadata", "system", "gitHash"] as const;

export const environmentObjectSchema = {
  type: "object",
  additionalProperties: false,
  description: "an environment file: its vars, hostNames, config and releasePolicy",
  required: controlRequired,
  properties: {
    ...controlFields("Environment"),
    ...environmentSchema.properties.spec.properties,
  },
} as const;

export const configObjectSchema = {
  type: "object",
  additionalProperties: false,
  description: "a config file: per-component vars and references to Kubernetes Secrets",
  required: [...controlRequired, "components", "secrets"],
  properties: {
    ...controlFields("Config"),
    ...configSchema.properties.spec.properties,
  },
} as const;

export type EnvironmentObject = FromSchema<typeof environmentObjectSchema>;
export type ConfigObject = FromSchema<typeof configObjectSchema>;
