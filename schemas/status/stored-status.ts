// What the status ConfigMap `kubefox-gitops-status` holds in `status.json`
// (controller/status/store.ts): the platform's status without the
// times that change on every sync, so a restart loses nothing and a no-op
// resync writes nothing. Users' clusters hold it: a field may be added, never
// renamed (README, "Facts that must not break").
import type { FromSchema } from "json-schema-to-ts";
import { deploymentStatusSchema } from "./deployment-status.js";
import { list, text } from "./fields.js";
import { inventoryEntrySchema } from "./inventory-entry.js";
import { releaseHealthSchema, releaseStateSchema } from "./release-status.js";

const { lastSyncTime: _memoryOnly, ...storedDeploymentFields } = deploymentStatusSchema.properties;

export const storedDeploymentSchema = {
  ...deploymentStatusSchema,
  description: "a deployment's status without lastSyncTime, which is kept in memory only",
  properties: storedDeploymentFields,
} as const;

export const storedStatusSchema = {
  type: "object",
  additionalProperties: false,
  description: "the status.json of a platform's status ConfigMap",
  required: ["system", "deployments"],
  properties: {
    system: text("the name of the system the platform runs"),
    deployments: list(storedDeploymentSchema, "every deployment's status"),
    orphans: list(inventoryEntrySchema, "objects whose prune failed, to delete on the next sync"),
    releases: {
      type: "object",
      description: "release state (DESIGN §4), by environment",
      additionalProperties: releaseStateSchema,
    },
    releaseHealth: {
      type: "object",
      description:
        "each release's health as the owning replica saw it, by environment, for replicas that do not watch the platform (issue 17)",
      additionalProperties: releaseHealthSchema,
    },
  },
} as const;

export type StoredStatus = FromSchema<typeof storedStatusSchema>;
