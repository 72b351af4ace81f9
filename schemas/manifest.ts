// manifests/**/*.yaml: raw Kubernetes objects applied with every deployment of a
// ref (DESIGN §2). Only what every object needs is checked here; the cluster's
// API server checks the rest when they are applied.
import type { FromSchema } from "json-schema-to-ts";
import { SCHEMA_DIALECT } from "./common.js";

const nonEmpty = { type: "string", minLength: 1 } as const;

export const manifestSchema = {
  $schema: SCHEMA_DIALECT,
  $id: "https://kubefox.io/schemas/v1alpha1/manifest.schema.json",
  title: "Kubernetes object",
  type: "object",
  required: ["apiVersion", "kind", "metadata"],
  properties: {
    apiVersion: nonEmpty,
    kind: nonEmpty,
    metadata: {
      type: "object",
      required: ["name"],
      properties: { name: nonEmpty, namespace: nonEmpty },
    },
  },
} as const;

export type KubeObject = FromSchema<typeof manifestSchema>;
