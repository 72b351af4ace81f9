// A commit status the controller wants on the Git host (issue 14): the one
// shape every provider's request is built from (controller/notify/providers/).
import type { FromSchema } from "json-schema-to-ts";
import { commit, text } from "../status/fields.js";

export const commitStatusStateSchema = {
  enum: ["pending", "success", "failure"],
  description:
    "pending while applied or rolling out (a release: while its version is pending), success when Ready " +
    "(a release: cut over), failure when Failed, Degraded or PendingDeadlineExceeded",
} as const;

export const commitStatusSchema = {
  type: "object",
  additionalProperties: false,
  description: "a commit status to put on the commit a deployment's or release's ref resolved to",
  required: ["repo", "commit", "context", "state", "description"],
  properties: {
    repo: text("the repository as given to --repo"),
    commit: commit("the commit the status is on"),
    context: text(
      "names the platform and the deployment or environment, e.g. kubefox-gitops/dev/branch-main or kubefox-gitops/dev/release-prod",
    ),
    state: commitStatusStateSchema,
    description: { type: "string", maxLength: 140, description: "one line: the reason" },
    targetUrl: text("the dashboard's page for it, when the controller's public URL is set"),
    ref: text("the ref as the platform file gives it (Bitbucket's refname, GitLab's ref)"),
  },
} as const;

export type CommitStatusState = FromSchema<typeof commitStatusStateSchema>;
export type CommitStatus = FromSchema<typeof commitStatusSchema>;
