// KubeFox v0's envelope around every status API answer (webhooks/api/envelope.ts):
// `isError`, `code` (the HTTP status), `msg`, and `data` or `validationErrors`.
import type { FromSchema } from "json-schema-to-ts";
import { text, texts } from "../status/fields.js";

export const errorSchema = {
  type: "object",
  additionalProperties: false,
  description: "a failed answer",
  required: ["isError", "code", "msg"],
  properties: {
    isError: { const: true, description: "always true" },
    code: { type: "integer", description: "the HTTP status" },
    msg: text("what went wrong"),
    validationErrors: texts("`file:line:col: message` of each problem (422 only)"),
  },
} as const;

export type ErrorAnswer = FromSchema<typeof errorSchema>;

/** A successful answer around `data`. */
export const successSchema = <const Data extends object>(data: Data) =>
  ({
    type: "object",
    additionalProperties: false,
    description: "a successful answer",
    required: ["isError", "code", "msg", "data"],
    properties: {
      isError: { const: false, description: "always false" },
      code: { const: 200, description: "the HTTP status" },
      msg: text("what was found, e.g. got platform dev"),
      data,
    },
  }) as const;

export const stringListSchema = successSchema(texts("the names or ids asked for"));
