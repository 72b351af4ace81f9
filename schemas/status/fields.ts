// The values status fields are made of, each with the description of the
// field that holds it: a status schema reads as a list of fields and what each
// means. Every one is `as const`, so json-schema-to-ts derives exact types.

/** Free text: a name, a message, a ref. */
export const text = (description: string) => ({ type: "string", description }) as const;

/** A list of texts. */
export const texts = (description: string) =>
  ({ type: "array", items: { type: "string" }, description }) as const;

/** A list of `items`, which may be a named schema (the OpenAPI document refers to it by name). */
export const list = <const Items extends object>(items: Items, description: string) =>
  ({ type: "array", items, description }) as const;

/** A commit id: 40 lowercase hex digits. */
export const commit = (description: string) =>
  ({ type: "string", pattern: "^[0-9a-f]{40}$", description }) as const;

/** A commit id, or "" while there is none yet. */
export const commitOrEmpty = (description: string) =>
  ({ type: "string", pattern: "^([0-9a-f]{40})?$", description }) as const;

/** An instant, as `Date.toISOString()` writes it (RFC 3339, UTC). */
export const time = (description: string) =>
  ({ type: "string", format: "date-time", description }) as const;

/** A whole number, zero or more. */
export const count = (description: string) =>
  ({ type: "integer", minimum: 0, description }) as const;

/** Milliseconds a piece of work took. */
export const duration = (description: string) =>
  ({ type: "number", minimum: 0, description }) as const;

export const flag = (description: string) => ({ type: "boolean", description }) as const;

/** Ready replicas over desired, e.g. `2/2`. */
export const replicas = (description: string) =>
  ({ type: "string", pattern: "^\\d+/\\d+$", description }) as const;
