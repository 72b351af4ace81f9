// environments/<env>.yaml: variables, hosts and release policy (DESIGN §2, §4).
import type { FromSchema } from "json-schema-to-ts";
import { dnsLabel, host, kindSchema, vars } from "./common.js";

export const environmentSchema = kindSchema("Environment", {
  type: "object",
  additionalProperties: false,
  properties: {
    // Another environment whose vars this one starts from, overriding key by key.
    inherits: dnsLabel,
    // The config whose component vars and secret references a release applies.
    config: dnsLabel,
    hostNames: { type: "array", default: [], uniqueItems: true, items: host },
    vars,
    releasePolicy: {
      type: "object",
      default: {},
      additionalProperties: false,
      properties: {
        // At most a day: a pending version that is not healthy by then will not become so,
        // and larger values would overflow Node's timers.
        activationDeadlineSeconds: { type: "integer", minimum: 1, maximum: 86400, default: 300 },
        // History is kept in the cluster with the release's state, so it stays small.
        historyLimit: { type: "integer", minimum: 0, maximum: 100, default: 10 },
      },
    },
  },
});

export type EnvironmentDoc = FromSchema<typeof environmentSchema>;
export type Vars = EnvironmentDoc["spec"]["vars"];
