// ajv's errors as messages people can act on: the field by its path, what it
// must be, what it is, and a near miss for a misspelt field name.
import type { ErrorObject } from "ajv/dist/2020.js";
import { fieldName, isRecord, pointerToPath } from "./field-path.js";
import type { Issue } from "./issue.js";
import { suggestion } from "./near-miss.js";

export function schemaIssues(errors: readonly ErrorObject[], data: unknown): Issue[] {
  const folded = foldedBranches(errors);
  const issues: Issue[] = [];
  for (const error of errors) {
    if (folded.has(error)) continue;
    // The pattern error under propertyNames says it all; its summary repeats it.
    if (error.keyword === "propertyNames") continue;
    issues.push(schemaIssue(error, data));
  }
  return issues;
}

/**
 * Errors from inside `oneOf` branches. Our branches only say which field is
 * present (`{required: [httpGet]}`), so the `oneOf` error alone, reworded,
 * tells the whole story.
 */
function foldedBranches(errors: readonly ErrorObject[]): Set<ErrorObject> {
  const oneOfPaths = errors.filter((e) => e.keyword === "oneOf").map((e) => e.schemaPath);
  return new Set(errors.filter((e) => oneOfPaths.some((p) => e.schemaPath.startsWith(`${p}/`))));
}

function schemaIssue(error: ErrorObject, data: unknown): Issue {
  const path = pointerToPath(error.instancePath, data);
  const field = fieldName(path);
  const params = error.params as Record<string, unknown>;
  const got = describeValue(error.data);
  switch (error.keyword) {
    case "type": {
      const types = String(params.type).split(",");
      const expected = oneOfWords(types.map((t) => typeNames[t] ?? t));
      return {
        path,
        message: `${field} must be ${expected}, got ${got}${typeHint(types, error.data)}`,
      };
    }
    case "required":
      return {
        path,
        message: `${field} is missing required field "${String(params.missingProperty)}"`,
      };
    case "additionalProperties": {
      const name = String(params.additionalProperty);
      const known = Object.keys(schemaProperties(error.parentSchema));
      return {
        path: [...path, name],
        at: "key",
        message: `${field} has unknown field "${name}"${suggestion(name, known)}`,
      };
    }
    case "pattern":
    case "format":
      if (error.propertyName !== undefined) {
        return {
          path: [...path, error.propertyName],
          at: "key",
          message: `${field} has an invalid name "${error.propertyName}": must be ${describeSchema(error.parentSchema)}`,
        };
      }
      return {
        path,
        message: `${field} must be ${describeSchema(error.parentSchema)}, got ${got}`,
      };
    case "const":
      return {
        path,
        message: `${field} must be ${describeValue(params.allowedValue)}, got ${got}`,
      };
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map(describeValue).join(", ");
      return { path, message: `${field} must be one of ${allowed}, got ${got}` };
    }
    case "minimum":
    case "exclusiveMinimum":
    case "maximum":
    case "exclusiveMaximum":
      return {
        path,
        message: `${field} must be ${comparisons[String(params.comparison)] ?? String(params.comparison)} ${String(params.limit)}, got ${got}`,
      };
    case "minLength":
      return params.limit === 1
        ? { path, message: `${field} must not be empty` }
        : { path, message: `${field} must be at least ${String(params.limit)} characters long` };
    case "maxLength":
      return { path, message: `${field} must be at most ${String(params.limit)} characters long` };
    case "minItems":
    case "minProperties":
      return params.limit === 1
        ? { path, message: `${field} must not be empty` }
        : { path, message: `${field} must have at least ${String(params.limit)} entries` };
    case "maxItems":
    case "maxProperties":
      return { path, message: `${field} must have at most ${String(params.limit)} entries` };
    case "uniqueItems": {
      // ajv walks the list backwards: i is the earlier entry, j the repeat.
      const [first, again] = [Number(params.i), Number(params.j)].sort((a, b) => a - b) as [
        number,
        number,
      ];
      const value = Array.isArray(error.data) ? describeValue(error.data[again]) : "a value";
      return {
        path: [...path, again],
        message: `${field} lists ${value} twice (entries ${first} and ${again})`,
      };
    }
    case "oneOf":
      return { path, message: `${field} ${oneOfMessage(error)}` };
    default:
      return { path, message: `${field} ${error.message ?? "is invalid"}` };
  }
}

const comparisons: Record<string, string> = {
  ">=": "at least",
  "<=": "at most",
  ">": "more than",
  "<": "less than",
};

const typeNames: Record<string, string> = {
  integer: "an integer",
  number: "a number",
  string: "a string",
  boolean: "a boolean (true or false)",
  object: "a map",
  array: "a list",
  null: "null",
};

/** "a, b or c" */
function oneOfWords(words: string[]): string {
  return words.length <= 1
    ? (words[0] ?? "")
    : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

/** How to say what was meant, for the two ways YAML's typing surprises people. */
function typeHint(types: string[], value: unknown): string {
  // `PORT: 8080` where a string is wanted: YAML read a number; quoting fixes it.
  if (
    types.length === 1 &&
    types[0] === "string" &&
    (typeof value === "number" || typeof value === "boolean")
  ) {
    return ` (quote it: "${String(value)}")`;
  }
  // YAML 1.2 reads `yes`, `no`, `on` and `off` as text.
  if (
    types.includes("boolean") &&
    typeof value === "string" &&
    /^(yes|no|on|off|y|n)$/i.test(value)
  ) {
    return ` (write true or false)`;
  }
  return "";
}

/** `must set one of httpGet, tcpSocket or exec`, from branches like `{required: [httpGet]}`. */
function oneOfMessage(error: ErrorObject): string {
  const branches = isRecord(error.parentSchema) ? error.parentSchema.oneOf : undefined;
  const names = Array.isArray(branches)
    ? branches.flatMap((b: unknown) =>
        isRecord(b) && Array.isArray(b.required) ? (b.required as string[]) : [],
      )
    : [];
  if (names.length === 0) return "must match exactly one of its allowed shapes";
  const list = names.join(", ");
  const passing = (error.params as { passingSchemas?: number[] | null }).passingSchemas;
  if (Array.isArray(passing)) {
    const set = passing.map((i) => names[i]).filter(Boolean);
    return `must set only one of ${list}, not ${set.join(" and ")}`;
  }
  return `must set one of ${list}`;
}

function schemaProperties(schema: unknown): Record<string, unknown> {
  return isRecord(schema) && isRecord(schema.properties) ? schema.properties : {};
}

/** The schema's own words for what a value must be (see schemas/common.ts). */
function describeSchema(schema: unknown): string {
  if (isRecord(schema) && typeof schema.description === "string") return schema.description;
  if (isRecord(schema) && typeof schema.pattern === "string") {
    return `text matching ${schema.pattern}`;
  }
  return "valid";
}

/** A short rendering of what the file holds, for "got ...". */
export function describeValue(value: unknown): string {
  if (typeof value === "string") {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  return String(value);
}
