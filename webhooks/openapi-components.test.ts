import { describe, expect, it } from "vitest";
import { namedSchemas } from "../schemas/api/named.js";
import { componentSchemas } from "./openapi-components.js";
import { openApiDocument } from "./openapi.js";

const health = {
  type: "object",
  description: "health",
  properties: { state: { enum: ["Ready", "Failed"] } },
} as const;

describe("componentSchemas", () => {
  it("refers to a named schema by name wherever another one holds it", () => {
    const deployment = { type: "object", properties: { components: { items: health } } };
    expect(componentSchemas({ Health: health, Deployment: deployment })).toEqual({
      Health: health,
      Deployment: {
        type: "object",
        properties: { components: { items: { $ref: "#/components/schemas/Health" } } },
      },
    });
  });

  it("keeps the description a field gives a named schema beside its $ref", () => {
    const release = {
      properties: { active: { ...health, description: "the active one" }, pending: health },
    };
    expect(componentSchemas({ Health: health, Release: release }).Release).toEqual({
      properties: {
        active: { $ref: "#/components/schemas/Health", description: "the active one" },
        pending: { $ref: "#/components/schemas/Health" },
      },
    });
  });

  it("leaves data alone: enum, const and default values are not schemas", () => {
    const state = { enum: ["Ready"] } as const;
    const odd = { const: { enum: ["Ready"] }, default: { enum: ["Ready"] } };
    expect(componentSchemas({ State: state, Odd: odd }).Odd).toEqual(odd);
  });

  it("refuses two names for one shape", () => {
    expect(() => componentSchemas({ A: health, B: { ...health, description: "b" } })).toThrow(
      /A and B are the same shape/,
    );
  });
});

describe("the OpenAPI document's components", () => {
  const schemas = openApiDocument.components.schemas;

  it("has every named schema of schemas/api/named.ts, under its name", () => {
    expect(Object.keys(schemas)).toEqual(Object.keys(namedSchemas));
  });

  it("restates no named schema inside another: each appears once, then by $ref", () => {
    const inline: string[] = [];
    const shapes = new Map(
      Object.entries(schemas).map(([name, s]) => [strip(s as Record<string, unknown>), name]),
    );
    const walk = (node: unknown, at: string, root: boolean): void => {
      if (typeof node !== "object" || node === null) return;
      if (!root && !Array.isArray(node)) {
        const twin = shapes.get(strip(node as Record<string, unknown>));
        if (twin) inline.push(`${at} restates ${twin}`);
      }
      for (const [key, child] of Object.entries(node)) walk(child, `${at}/${key}`, false);
    };
    for (const [name, schema] of Object.entries(schemas)) walk(schema, name, true);
    walk(openApiDocument.paths, "paths", true);
    expect(inline).toEqual([]);
  });
});

function strip(schema: Record<string, unknown>): string {
  const { description: _d, ...rest } = schema;
  return JSON.stringify(rest);
}
