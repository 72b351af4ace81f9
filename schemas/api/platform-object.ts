// `platform/{name}`: the platform file as on the control branch, and the
// status of everything it asks for.
import type { FromSchema } from "json-schema-to-ts";
import { platformSchema } from "../platform.js";
import { flag, list, text } from "../status/fields.js";
import { platformStatusSchema } from "../status/platform-status.js";
import { deploymentObjectSchema } from "./deployment-object.js";
import { metadataSchema } from "./metadata.js";
import { blobId, kindFields } from "./object-fields.js";
import { releaseObjectSchema } from "./release-object.js";

const status = platformStatusSchema.properties;

export const platformObjectSchema = {
  type: "object",
  additionalProperties: false,
  description: "a platform file and the status of every deployment and release it asks for",
  required: [
    "kind",
    "apiVersion",
    "id",
    "metadata",
    "system",
    "namespace",
    "deployments",
    "releases",
    "status",
  ],
  properties: {
    ...kindFields("Platform"),
    id: blobId("the Git blob id of its file on the control branch"),
    metadata: metadataSchema,
    system: text("the name of the system it runs"),
    ...platformSchema.properties.spec.properties,
    status: {
      type: "object",
      additionalProperties: false,
      description: "the status of everything the platform file asks for",
      required: ["healthy", "deployments", "releases", "unmanaged"],
      properties: {
        healthy: flag("every deployment Ready and no platform error"),
        lastSyncTime: status.lastSyncTime,
        lastError: status.lastError,
        deployments: list(
          deploymentObjectSchema,
          "every deployment of the file, in its order; Pending until its first sync",
        ),
        releases: list(releaseObjectSchema, "every release of the file, in its order"),
        unmanaged: status.unmanaged,
      },
    },
  },
} as const;

export type PlatformObject = FromSchema<typeof platformObjectSchema>;
