// A release's versions (DESIGN §4): the active and the pending one, and the
// history of those that left it, newest first.
import type { FromSchema } from "json-schema-to-ts";
import { commit, list, text, time } from "./fields.js";
import { inventoryEntrySchema } from "./inventory-entry.js";

export const archiveReasonSchema = {
  enum: ["Superseded", "PendingDeadlineExceeded", "RolledBack"],
  description:
    "why a version left its release. Superseded: a newer version became active. " +
    "PendingDeadlineExceeded: it was not Available within releasePolicy.activationDeadlineSeconds. " +
    "RolledBack: the ref moved back to an older commit.",
} as const;

export type ArchiveReason = FromSchema<typeof archiveReasonSchema>;

/** What every version of a release has, active, pending or archived. */
const versionFields = {
  releaseId: text("names this version: <environment>-<8 hex digits>"),
  commit: commit("the commit the release's ref resolved to: the whole system at that commit"),
  ref: text("the release's ref when this version was made, e.g. tag/v*"),
  requestTime: time("when the version was made pending"),
  activationTime: time("when traffic moved to it; absent while it never served"),
} as const;

export const releaseVersionSchema = {
  type: "object",
  additionalProperties: false,
  description: "a version of a release: the system at one commit, served as the environment",
  required: ["releaseId", "commit", "ref", "requestTime", "inventory"],
  properties: {
    ...versionFields,
    inventory: list(inventoryEntrySchema, "its Deployments and ConfigMaps"),
  },
} as const;

export const releaseHistoryEntrySchema = {
  type: "object",
  additionalProperties: false,
  description: "a version that left the release, and why",
  required: ["releaseId", "commit", "ref", "requestTime", "archiveTime", "reason"],
  properties: {
    ...versionFields,
    archiveTime: time("when it left the release"),
    reason: archiveReasonSchema,
  },
} as const;

export type ReleaseVersion = FromSchema<typeof releaseVersionSchema>;
export type ReleaseHistoryEntry = FromSchema<typeof releaseHistoryEntrySchema>;
