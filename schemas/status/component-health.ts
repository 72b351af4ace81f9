// One component's health, read from its live Deployment (controller/reconcile/health.ts).
import type { FromSchema } from "json-schema-to-ts";
import { commit, replicas, text } from "./fields.js";
import { stateSchema } from "./state.js";

export const componentHealthSchema = {
  type: "object",
  additionalProperties: false,
  description: "one component's health, from its live Deployment",
  required: ["app", "component", "deployment", "state", "replicas"],
  properties: {
    app: text("the app the component belongs to"),
    component: text("the component's name in its app"),
    deployment: text("the name of its Deployment"),
    state: stateSchema,
    replicas: replicas("ready replicas over desired, e.g. 2/2"),
    message: text("why it is not Ready yet, when it is not"),
    commit: commit(
      "the commit at which the component's pod template last changed, i.e. the commit its pods run",
    ),
  },
} as const;

export type ComponentHealth = FromSchema<typeof componentHealthSchema>;
