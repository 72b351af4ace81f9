// A platform's status as the controller keeps it in memory and hands to the
// status API and the events stream: every deployment and release of it, and
// the objects in its namespace that are not ours.
import type { FromSchema } from "json-schema-to-ts";
import { deploymentStatusSchema } from "./deployment-status.js";
import { list, text, time } from "./fields.js";
import { releaseStatusSchema } from "./release-status.js";
import { unmanagedObjectSchema } from "./unmanaged-object.js";

export const platformStatusSchema = {
  type: "object",
  additionalProperties: false,
  description: "a platform's status: its deployments, its releases and its unmanaged inventory",
  required: ["name", "system", "namespace", "cluster", "deployments", "releases", "unmanaged"],
  properties: {
    name: text("the platform's name (its file's base name)"),
    system: text("the name of the system it runs"),
    namespace: text("the namespace everything of the platform lives in"),
    cluster: text('the kubeconfig context, or "" for the default'),
    deployments: list(
      deploymentStatusSchema,
      "every deployment of the platform file, in its order",
    ),
    releases: list(releaseStatusSchema, "every release of the platform file"),
    unmanaged: list(
      unmanagedObjectSchema,
      "objects in the namespace that we did not create: listed, never touched",
    ),
    lastError: text("why the last reconcile of the platform failed as a whole"),
    lastSyncTime: time("when the platform was last reconciled"),
  },
} as const;

export type PlatformStatus = FromSchema<typeof platformStatusSchema>;
