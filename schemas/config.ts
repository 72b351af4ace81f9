// configs/<cfg>.yaml: per-component variables and references to Kubernetes
// Secrets, never secret values (DESIGN §2).
import type { FromSchema } from "json-schema-to-ts";
import { dnsLabel, dnsSubdomain, envVarName, kindSchema, scalar, templateName } from "./common.js";

const secretRef = {
  type: "object",
  additionalProperties: false,
  required: ["name", "key"],
  properties: {
    name: dnsSubdomain,
    key: {
      type: "string",
      minLength: 1,
      maxLength: 253,
      pattern: "^[-._a-zA-Z0-9]+$",
      description: "a Secret key: letters, digits, '-', '_' and '.'",
    },
  },
} as const;

export const configSchema = kindSchema("Config", {
  type: "object",
  additionalProperties: false,
  properties: {
    components: {
      type: "object",
      default: {},
      propertyNames: dnsLabel,
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        properties: {
          vars: {
            type: "object",
            default: {},
            propertyNames: envVarName,
            additionalProperties: scalar,
          },
        },
      },
    },
    // Templates reach these as {{.Secrets.KEY}}; each becomes a secretKeyRef.
    secrets: {
      type: "object",
      default: {},
      propertyNames: templateName,
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        required: ["secretRef"],
        properties: { secretRef },
      },
    },
  },
});

export type ConfigDoc = FromSchema<typeof configSchema>;
export type SecretRef = ConfigDoc["spec"]["secrets"][string]["secretRef"];
