// A problem found inside one document, before it has a file, line and column.
// Checks that look at data (the schema, component checks, cross-references)
// produce these; the document they came from turns each into a Problem with
// the position the YAML parser recorded.

/** Keys and list indexes from the document's root to a value. */
export type FieldPath = readonly (string | number)[];

export interface Issue {
  path: FieldPath;
  message: string;
  /** Point at the key rather than its value: an unknown field, a bad name. */
  at?: "key";
  /** Offset into the string at `path` where the problem starts (templates, route rules). */
  offset?: number;
}
