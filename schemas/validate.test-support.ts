// For tests: does a value the code produced fit its schema? A strict ajv over
// the schemas in schemas/, compiled once per schema, that never fills defaults
// (a test checks a value, it does not change it).
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { expect } from "vitest";

const ajv = new Ajv2020({
  allErrors: true,
  strict: true,
  allowUnionTypes: true,
  // `oneOf: [{required: [httpGet]}, ...]` names fields declared beside it, on purpose.
  strictRequired: false,
});
ajv.addFormat("date-time", {
  type: "string",
  validate: (s: string) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) &&
    !Number.isNaN(Date.parse(s)),
});
// Host names were checked when their file was loaded (controller/model/host.ts); answers repeat them.
ajv.addFormat("host", true);

const compiled = new WeakMap<object, ValidateFunction>();

export function validatorOf(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = ajv.compile(schema)));
  return validate;
}

/**
 * The problems of `value` against `schema`, `path: message` each; empty when it
 * fits. The value is checked as JSON carries it (a ConfigMap, an answer, an event).
 */
export function schemaProblems(schema: object, value: unknown): string[] {
  const validate = validatorOf(schema);
  if (validate(JSON.parse(JSON.stringify(value)))) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || "/"}: ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`,
  );
}

export function expectFits(schema: object, value: unknown, what = "value"): void {
  expect(schemaProblems(schema, value), `${what} fits its schema`).toEqual([]);
}
