// A deployment's, a release's or a component's state (DESIGN §6). The worst
// component decides a deployment's (controller/status/status.ts `worst`).
import type { FromSchema } from "json-schema-to-ts";

export const stateSchema = {
  enum: ["Pending", "Progressing", "Ready", "Degraded", "Failed"],
  description:
    "Pending: known from Git, not yet synced. " +
    "Progressing: applied, rolling out (pods not all updated and available yet). " +
    "Ready: applied, and every Deployment is Available with all replicas updated. " +
    "Degraded: applied, but a rollout is stuck (ProgressDeadlineExceeded) or replicas are unavailable. " +
    "Failed: not applied (the ref did not resolve, the tree is invalid, the policy refused it, or the apply failed); whatever ran before keeps running.",
} as const;

export type State = FromSchema<typeof stateSchema>;

/** Every state, in the schema's order. */
export const states: readonly State[] = stateSchema.enum;
