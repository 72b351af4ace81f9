// KubeFox's metadata of an object the status API serves: its name, and for a
// system its title and description.
import type { FromSchema } from "json-schema-to-ts";
import { text } from "../status/fields.js";

export const metadataSchema = {
  type: "object",
  additionalProperties: false,
  description: "the object's name, and for a system its title and description",
  required: ["name"],
  properties: {
    name: text("its name"),
    title: text("a system's title (kubefox.yaml spec.title)"),
    description: text("a system's description (kubefox.yaml spec.description)"),
  },
} as const;

export type Metadata = FromSchema<typeof metadataSchema>;
