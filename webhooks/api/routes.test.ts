import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../openapi.js";
import { apiRoutes } from "./routes.js";
import { apiBase } from "./types.js";

const documented = Object.keys(openApiDocument.paths);

describe("the route table and the OpenAPI document", () => {
  it("document every route, and route every documented API path", () => {
    const routed = apiRoutes.map((r) => apiBase + r.template);
    const served = [...routed, `${apiBase}/openapi.json`, `${apiBase}/events`];
    expect(documented.filter((p) => p.startsWith(apiBase)).sort()).toEqual([...served].sort());
  });

  it("name the same parameters in the Express path and the OpenAPI path", () => {
    for (const route of apiRoutes) {
      const express = [...route.path.matchAll(/[:*](\w+)/g)].map((m) => m[1]);
      const openapi = [...route.template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(express, route.path).toEqual(openapi);
    }
  });

  it("cover DESIGN §6's list, the topology and the events stream", () => {
    for (const path of [
      "/system",
      "/system/{name}",
      "/system/{name}/metadata",
      "/system/{name}/id",
      "/system/{name}/id/{id}",
      "/system/{name}/branch",
      "/system/{name}/branch/{branch}",
      "/system/{name}/tag",
      "/system/{name}/tag/{tag}",
      "/environment/{name}/id/{id}",
      "/environment/{name}/tag/{tag}",
      "/config/{name}/metadata",
      "/platform/{name}/deployment/{system}/{refType}/{ref}",
      "/platform/{name}/release/{system}/{environment}",
      "/platform/{name}/topology",
      "/events",
    ])
      expect(documented).toContain(apiBase + path);
  });

  it("is a document whose schemas all compile (every $ref resolves)", () => {
    const ajv = new Ajv2020({ strict: false });
    ajv.addFormat("host", true);
    ajv.addFormat("date-time", true);
    ajv.addSchema(openApiDocument as object, "openapi.json");
    for (const name of Object.keys(openApiDocument.components.schemas))
      expect(
        () => ajv.compile({ $ref: `openapi.json#/components/schemas/${name}` }),
        name,
      ).not.toThrow();
    expect(openApiDocument.openapi).toBe("3.1.0");
  });
});
