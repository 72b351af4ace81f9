// `platform/{name}/deployment/{system}/{refType}/{ref}`: one deployment of a
// platform file and its status (schemas/status/deployment-status.ts).
import type { FromSchema } from "json-schema-to-ts";
import { deploymentOutcome, deploymentStatusSchema } from "../status/deployment-status.js";
import { flag, text } from "../status/fields.js";
import { kindFields } from "./object-fields.js";

export const deploymentObjectSchema = {
  type: "object",
  additionalProperties: false,
  description: "a deployment: run the system at a ref on a platform, and how that went",
  required: ["kind", "apiVersion", "platform", "system", "ref", "status"],
  properties: {
    ...kindFields("Deployment"),
    platform: text("the platform's name"),
    system: text("the system's name"),
    ref: deploymentStatusSchema.properties.ref,
    environment: deploymentStatusSchema.properties.environment,
    status: {
      type: "object",
      additionalProperties: false,
      description: "the deployment's status (README, Status fields), with KubeFox's ready",
      required: [
        "ready",
        "state",
        "id",
        "appliedId",
        "components",
        "conflicts",
        "warnings",
        "inventory",
      ],
      properties: { ready: flag("KubeFox's flag: state is Ready"), ...deploymentOutcome },
    },
  },
} as const;

export type DeploymentObject = FromSchema<typeof deploymentObjectSchema>;
