// Where an inventory entry points: enough to find and delete the object again
// (prune compares inventories, DESIGN §3).
import type { FromSchema } from "json-schema-to-ts";
import { text } from "./fields.js";

export const inventoryEntrySchema = {
  type: "object",
  additionalProperties: false,
  description: "an object we applied: enough to find and delete it again",
  required: ["apiVersion", "kind", "name"],
  properties: {
    apiVersion: text("its apiVersion, e.g. apps/v1"),
    kind: text("its kind, e.g. Deployment"),
    name: text("its name"),
    namespace: text("its namespace; absent for cluster-scoped objects"),
  },
} as const;

export type InventoryEntry = FromSchema<typeof inventoryEntrySchema>;
