// `platform/{name}/release/{system}/{environment}`: one release of a platform
// file and its status (schemas/status/release-status.ts).
import type { FromSchema } from "json-schema-to-ts";
import { flag, text } from "../status/fields.js";
import { releaseStatusSchema } from "../status/release-status.js";
import { kindFields } from "./object-fields.js";

export const releaseObjectSchema = {
  type: "object",
  additionalProperties: false,
  description: "a release: serve the system at a ref as an environment on a platform",
  required: ["kind", "apiVersion", "platform", "system", "environment", "ref"],
  properties: {
    ...kindFields("Release"),
    platform: text("the platform's name"),
    system: text("the system's name"),
    environment: releaseStatusSchema.properties.environment,
    ref: releaseStatusSchema.properties.ref,
    status: {
      ...releaseStatusSchema,
      description:
        "the release's status (README, Status fields), with KubeFox's ready; absent until its first reconcile",
      required: [...releaseStatusSchema.required, "ready"],
      properties: {
        ...releaseStatusSchema.properties,
        ready: flag("KubeFox's flag: state is Ready"),
      },
    },
  },
} as const;

export type ReleaseObject = FromSchema<typeof releaseObjectSchema>;
