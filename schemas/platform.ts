// platforms/<platform>.yaml: one target cluster and namespace, with what runs
// there (DESIGN §2, §3).
import type { FromSchema } from "json-schema-to-ts";
import { dnsLabel, kindSchema, ref } from "./common.js";

const refused = { type: "boolean", default: false } as const;

export const platformSchema = kindSchema("Platform", {
  type: "object",
  additionalProperties: false,
  required: ["namespace"],
  properties: {
    // Omitted: in-cluster, or the kubeconfig's current context.
    cluster: {
      type: "object",
      additionalProperties: false,
      properties: { context: { type: "string", minLength: 1, maxLength: 253 } },
    },
    namespace: dnsLabel,
    // Privileged pods, host network, host PID and hostPath volumes are refused unless allowed.
    policy: {
      type: "object",
      default: {},
      additionalProperties: false,
      properties: {
        allowPrivileged: refused,
        allowHostNetwork: refused,
        allowHostPID: refused,
        allowHostPath: refused,
      },
    },
    // An empty desired set prunes nothing unless the platform says it means it (DESIGN §3).
    allowEmpty: { type: "boolean", default: false },
    deployments: {
      type: "array",
      default: [],
      items: {
        type: "object",
        additionalProperties: false,
        required: ["ref"],
        properties: { ref, environment: dnsLabel },
      },
    },
    releases: {
      type: "array",
      default: [],
      items: {
        type: "object",
        additionalProperties: false,
        required: ["environment", "ref"],
        properties: { environment: dnsLabel, ref },
      },
    },
  },
});

export type PlatformDoc = FromSchema<typeof platformSchema>;
export type PlatformDeployment = PlatformDoc["spec"]["deployments"][number];
export type PlatformRelease = PlatformDoc["spec"]["releases"][number];
