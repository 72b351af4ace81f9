import { describe, expect, it } from "vitest";
import { kindSchemas } from "../kinds.js";
import { streamEventSchemas } from "../status/events.js";
import { platformStatusSchema } from "../status/platform-status.js";
import { storedStatusSchema } from "../status/stored-status.js";
import { validatorOf } from "../validate.test-support.js";
import { namedSchemas } from "./named.js";

/** Every schema that leaves the process: the API's, the events', the status ConfigMap's. */
const contract = {
  ...namedSchemas,
  PlatformStatus: platformStatusSchema,
  StoredStatus: storedStatusSchema,
};

/** Every object node of the repository kinds' schemas: described in the kinds' own terms. */
const fromKinds = new Set<object>();
const collect = (node: unknown): void => {
  if (typeof node !== "object" || node === null) return;
  fromKinds.add(node);
  Object.values(node).forEach(collect);
};
collect(kindSchemas);

/** Calls `visit` with each `properties` map under `schema`, and where it is. */
function eachProperties(
  schema: unknown,
  at: string,
  visit: (properties: Record<string, Record<string, unknown>>, at: string, node: object) => void,
): void {
  if (typeof schema !== "object" || schema === null || fromKinds.has(schema)) return;
  const s = schema as Record<string, unknown>;
  if (s.properties) visit(s.properties as Record<string, Record<string, unknown>>, at, s);
  for (const [key, child] of Object.entries(s)) {
    if (key === "enum" || key === "const" || key === "required") continue;
    eachProperties(child, `${at}/${key}`, visit);
  }
}

describe("the status and API schemas", () => {
  it.each(Object.keys(contract))("%s compiles in ajv's strict mode", (name) => {
    expect(() => validatorOf(contract[name as keyof typeof contract])).not.toThrow();
  });

  it("describe every field (the README's Status fields are the source of the wording)", () => {
    const bare: string[] = [];
    for (const [name, schema] of Object.entries(contract))
      eachProperties(schema, name, (properties, at) => {
        for (const [field, s] of Object.entries(properties))
          if (!fromKinds.has(s) && typeof s.description !== "string") bare.push(`${at}/${field}`);
      });
    expect(bare).toEqual([]);
  });

  it("close every object to unknown fields", () => {
    const open: string[] = [];
    for (const [name, schema] of Object.entries(contract))
      eachProperties(schema, name, (_properties, at, node) => {
        if ((node as { additionalProperties?: unknown }).additionalProperties !== false)
          open.push(at);
      });
    expect(open).toEqual([]);
  });

  it("name every event of the events stream", () => {
    const named = new Set<object>(Object.values(namedSchemas));
    for (const schema of Object.values(streamEventSchemas)) expect(named.has(schema)).toBe(true);
  });
});
