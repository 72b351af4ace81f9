// `event: platform` on the events stream: a platform was reconciled.
import type { FromSchema } from "json-schema-to-ts";
import { commitOrEmpty, count, duration, list, text, time } from "./fields.js";
import { stateSchema } from "./state.js";

export const platformEventSchema = {
  type: "object",
  additionalProperties: false,
  description: "a platform was reconciled",
  required: ["time", "repo", "platform", "writes", "ms", "deployments"],
  properties: {
    time: time("when the reconcile finished"),
    repo: text("the repository whose control branch names the platform"),
    platform: text("the platform's name"),
    writes: count("writes the reconcile sent to the API server (0 for a no-op resync)"),
    ms: duration("how long it took, in milliseconds"),
    deployments: list(
      {
        type: "object",
        additionalProperties: false,
        required: ["ref", "id", "state"],
        properties: {
          ref: text("the deployment's ref"),
          id: commitOrEmpty("the commit its ref resolved to"),
          state: stateSchema,
        },
      },
      "each deployment's ref, resolved commit and state",
    ),
  },
} as const;

export type PlatformEventData = FromSchema<typeof platformEventSchema>;
