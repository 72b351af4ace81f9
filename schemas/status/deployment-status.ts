// A deployment's status (DESIGN §6, README "Status fields"): what the platform
// file asks for, what its ref resolved to, what runs, and how healthy it is.
import type { FromSchema } from "json-schema-to-ts";
import { componentHealthSchema } from "./component-health.js";
import { commitOrEmpty, list, text, texts, time } from "./fields.js";
import { inventoryEntrySchema } from "./inventory-entry.js";
import { notReadyObjectSchema } from "./not-ready-object.js";
import { objectStatusSchema } from "./object-status.js";
import { stateSchema } from "./state.js";

/** What a sync found out about a deployment: every field but the two the platform file gives. */
export const deploymentOutcome = {
  id: commitOrEmpty(
    "the commit the ref resolved to on the last sync (empty when it never resolved)",
  ),
  appliedId: commitOrEmpty(
    "the commit whose objects run now (differs from id while a newer commit fails)",
  ),
  state: stateSchema,
  components: list(componentHealthSchema, "per component: its Deployment's health"),
  notReady: list(
    notReadyObjectSchema,
    "every applied object (its inventory) that is not Ready, with why; absent when all are",
  ),
  conflicts: list(
    objectStatusSchema,
    "objects we want that exist without our label (left alone), or that the API server refused",
  ),
  warnings: texts("env entries left out and similar; the deployment still runs"),
  lastError: text(
    "why the last sync failed (`file:line:col: message` for invalid trees); absent after a good one",
  ),
  lastErrorCode: text("the code of lastError (README, Error codes)"),
  lastSyncTime: time(
    "when the last sync of this deployment finished (kept in memory only, not in the cluster)",
  ),
  lastTransitionTime: time("when state last changed"),
  inventory: list(
    inventoryEntrySchema,
    "every object applied for appliedId: what prune compares against",
  ),
} as const;

export const deploymentStatusSchema = {
  type: "object",
  additionalProperties: false,
  description: "a deployment's status: run the system at a ref on a platform",
  required: ["ref", "id", "appliedId", "state", "components", "conflicts", "warnings", "inventory"],
  properties: {
    ref: text("the ref as the platform file gives it, e.g. branch/main"),
    environment: text("the environment it takes vars and config from, if any"),
    ...deploymentOutcome,
  },
} as const;

export type DeploymentStatus = FromSchema<typeof deploymentStatusSchema>;
