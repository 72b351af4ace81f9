// A release's status (DESIGN §4, README "Status fields"): what is kept in the
// cluster per environment (the release state), and what the status API serves
// (that state with its health).
import { notReadyObjectSchema } from "./not-ready-object.js";
import type { FromSchema } from "json-schema-to-ts";
import { componentHealthSchema } from "./component-health.js";
import { flag, list, text, time } from "./fields.js";
import { inventoryEntrySchema } from "./inventory-entry.js";
import { releaseHistoryEntrySchema, releaseVersionSchema } from "./release-version.js";
import { stateSchema } from "./state.js";

const releaseStateFields = {
  environment: text("the environment the release serves"),
  ref: text("the ref as the platform file gives it, e.g. tag/v*"),
  active: { ...releaseVersionSchema, description: "the version that serves traffic, if any" },
  pending: {
    ...releaseVersionSchema,
    description: "the version applied beside the active one until it is Available, if any",
  },
  history: list(
    releaseHistoryEntrySchema,
    "versions that left the release, newest first, at most releasePolicy.historyLimit",
  ),
  front: list(inventoryEntrySchema, "the environment's Services and Ingress, as last applied"),
  retiring: list(inventoryEntrySchema, "objects of archived versions not yet deleted"),
  routingSecret: flag("the <environment>-routing Secret was made (it is never read back)"),
  lastError: text("why the last reconcile of the release failed; absent after a good one"),
  lastErrorCode: text("the code of lastError (README, Error codes)"),
} as const;

const releaseStateRequired = ["environment", "ref", "history", "front", "retiring"] as const;

export const releaseStateSchema = {
  type: "object",
  additionalProperties: false,
  description:
    "a release as kept in the platform's status ConfigMap, so that it survives a restart",
  required: releaseStateRequired,
  properties: releaseStateFields,
} as const;

const releaseHealthFields = {
  state: {
    ...stateSchema,
    description:
      "Pending before anything is active, Progressing while a version is pending, else the active version's health; Failed when nothing could be made active",
  },
  components: list(componentHealthSchema, "the health of the active version's components"),
  pendingComponents: list(
    componentHealthSchema,
    "the health of the pending version's components, while there is one",
  ),
  notReady: list(
    notReadyObjectSchema,
    "objects of the active version that are not Ready, with why; absent when all are",
  ),
  pendingNotReady: list(
    notReadyObjectSchema,
    "objects of the pending version that are not Ready yet, with why; absent when all are (or none is pending)",
  ),
  deadline: time("when the pending version must be Available by"),
} as const;

const releaseHealthRequired = ["state", "components", "pendingComponents"] as const;

/**
 * A release's health as its owner saw it, kept in the status ConfigMap beside
 * its state, so that a replica that does not own the platform (and does not
 * watch its objects) shows it as the owner does (issue 17).
 */
export const releaseHealthSchema = {
  type: "object",
  additionalProperties: false,
  description: "a release's health as the replica that owns the platform last saw it",
  required: releaseHealthRequired,
  properties: releaseHealthFields,
} as const;

export const releaseStatusSchema = {
  type: "object",
  additionalProperties: false,
  description: "a release's status: its versions, their history and their health",
  required: [...releaseStateRequired, ...releaseHealthRequired],
  properties: { ...releaseStateFields, ...releaseHealthFields },
} as const;

export type ReleaseState = FromSchema<typeof releaseStateSchema>;
export type ReleaseStatus = FromSchema<typeof releaseStatusSchema>;
export type ReleaseHealth = FromSchema<typeof releaseHealthSchema>;
