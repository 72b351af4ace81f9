// `system/{name}`: the system as the control branch names it, its
// repository's sync status, and where it runs.
import type { FromSchema } from "json-schema-to-ts";
import { commitOrEmpty, text, texts } from "../status/fields.js";
import { repositoryStatusSchema } from "../status/repository-status.js";
import { metadataSchema } from "./metadata.js";
import { kindFields } from "./object-fields.js";

export const systemHeadSchema = {
  type: "object",
  additionalProperties: false,
  description: "the system on the control branch, its repository's sync status, and where it runs",
  required: ["kind", "apiVersion", "id", "metadata", "gitRepo", "status"],
  properties: {
    ...kindFields("System"),
    id: commitOrEmpty('the control branch\'s commit ("" before the first fetch)'),
    metadata: metadataSchema,
    gitRepo: text("the watched repository (credentials masked)"),
    gitRef: text("branch/<control branch>"),
    status: {
      type: "object",
      additionalProperties: false,
      description: "its repository's sync status, and what runs of it where",
      required: ["repository", "deployments", "releases"],
      properties: {
        repository: repositoryStatusSchema,
        deployments: texts("<platform>/<ref> of every deployment of this system"),
        releases: texts("<platform>/<environment> of every release of this system"),
      },
    },
  },
} as const;

export type SystemHead = FromSchema<typeof systemHeadSchema>;
