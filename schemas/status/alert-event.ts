// `event: alert` on the events stream, and what a Notification's receiver is
// told (issue 14): a deployment, a release or the source changed in a way a
// person wants to hear about.
import type { FromSchema } from "json-schema-to-ts";
import { commit, text, time } from "./fields.js";

export const alertTypeSchema = {
  enum: [
    "DeploymentReady",
    "DeploymentFailed",
    "DeploymentDegraded",
    "ReleasePending",
    "ReleaseCutOver",
    "ReleaseDeadlineExceeded",
    "ReleaseRolledBack",
    "SourceError",
  ],
  description:
    "DeploymentReady, DeploymentFailed, DeploymentDegraded: a deployment reached that state at a commit. " +
    "ReleasePending: a release's new version was applied beside the active one. " +
    "ReleaseCutOver: traffic moved to a new version. " +
    "ReleaseDeadlineExceeded: a pending version was not Available in time and was removed. " +
    "ReleaseRolledBack: the ref moved back to an older commit. " +
    "SourceError: fetching the repository or reading its control branch failed.",
} as const;

export const severitySchema = {
  enum: ["info", "warning", "error"],
  description: "how bad it is: info (it worked), warning (degraded, rolled back), error (failed)",
} as const;

export const alertEventSchema = {
  type: "object",
  additionalProperties: false,
  description: "an alert: something a person wants to hear about happened",
  required: ["time", "type", "severity", "repo", "message"],
  properties: {
    time: time("when it was noticed"),
    type: alertTypeSchema,
    severity: severitySchema,
    repo: text("the repository (credentials masked)"),
    platform: text("the platform, absent for a source error"),
    system: text("the system the platform runs"),
    ref: text("the deployment's or release's ref"),
    environment: text("the release's environment, or the environment a deployment takes vars from"),
    commit: commit("the commit it is about"),
    message: text("one line for people, e.g. `branch/main on dev is Ready at 3f1c0a9d2b7e`"),
    url: text("the dashboard's page for it, when the controller's public URL is set"),
  },
} as const;

export type AlertType = FromSchema<typeof alertTypeSchema>;
export type Severity = FromSchema<typeof severitySchema>;
export type AlertEventData = FromSchema<typeof alertEventSchema>;

export const alertTypes: readonly AlertType[] = alertTypeSchema.enum;
