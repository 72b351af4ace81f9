// A request checked against a provider's own published API description (issue
// 14): Swagger 2 (a `body` parameter, `#/definitions/...`) or OpenAPI 3.0 (a
// `requestBody`, `#/components/...`), with OpenAPI's `nullable` turned into
// JSON Schema. Given an operation (its path and method, or its operationId),
// `check` says everything wrong with a request: method, path, content type,
// credentials the description asks for, and the JSON body against its schema.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsImport from "ajv-formats";
import { parse } from "yaml";

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** CI clones the repository with ../shared beside it. */
export const specsDir = path.resolve(repoRoot, "../shared/specs");

export interface SeenRequest {
  method: string;
  /** The path and query as received. */
  url: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: string;
}

type Json = Record<string, unknown>;

export interface Operation {
  method: string;
  /** The path template as the description has it, e.g. /repos/{owner}/{repo}/statuses/{sha}. */
  template: string;
  /** What the server's paths start with before the template (Swagger basePath, a server URL's path). */
  prefix: string;
  check(request: SeenRequest): string[];
}

export class ApiSpec {
  private readonly ajv: Ajv;
  private readonly doc: Json;
  private readonly swagger2: boolean;
  private readonly id: string;

  private constructor(doc: Json, id: string) {
    this.doc = doc;
    this.swagger2 = typeof doc.swagger === "string";
    this.ajv = new Ajv({
      strict: false,
      allErrors: true,
      logger: false,
      validateFormats: true,
      validateSchema: false,
    });
    addFormats(this.ajv);
    for (const f of ["int32", "int64", "float", "double", "byte", "binary", "password"])
      this.ajv.addFormat(f, true);
    this.ajv.addSchema(toJsonSchema(doc) as object, id);
    this.id = id;
  }

  /** Loads a JSON or YAML description from a file. */
  static load(file: string): ApiSpec {
    const text = readFileSync(file, "utf8");
    const doc = (
      file.endsWith(".json") ? JSON.parse(text) : parse(text, { maxAliasCount: -1 })
    ) as Json;
    return new ApiSpec(doc, `spec:${path.basename(file)}`);
  }

  /** The operation at `template` and `method` (lower-case), or by operationId when `template` is undefined. */
  operation(select: { path: string; method: string } | { operationId: string }): Operation {
    const paths = this.doc.paths as Record<string, Record<string, Json>>;
    let template: string | undefined;
    let method: string | undefined;
    if ("operationId" in select) {
      for (const [p, item] of Object.entries(paths))
        for (const [m, op] of Object.entries(item))
          if ((op as Json)?.operationId === select.operationId) [template, method] = [p, m];
    } else [template, method] = [select.path, select.method.toLowerCase()];
    const item = template !== undefined ? paths[template] : undefined;
    const op = item && method ? (item[method] as Json | undefined) : undefined;
    if (!op || !template || !method)
      throw new Error(`no such operation: ${JSON.stringify(select)}`);
    const parameters = [
      ...((item!.parameters as Json[] | undefined) ?? []),
      ...((op.parameters as Json[] | undefined) ?? []),
    ].map((p) => this.deref(p));
    const prefix = this.swagger2
      ? ((this.doc.basePath as string | undefined) ?? "").replace(/\/$/, "")
      : serverPath(this.doc);
    const { validate, contentTypes, required } = this.bodyOf(op, parameters);
    const security = (op.security ?? this.doc.security) as Json[] | undefined;
    const schemes = (
      this.swagger2
        ? this.doc.securityDefinitions
        : (this.doc.components as Json | undefined)?.securitySchemes
    ) as Record<string, Json> | undefined;
    // The API base before the operation's path is the server's own (GitHub Enterprise's
    // /api/v3, a stand-in's root): the path must end with the operation's.
    const pattern = new RegExp(
      `^(/.*)?${escapeRegExp(template).replace(/\\\{[^}]+\\\}/g, "[^/]+")}$`,
    );
    return {
      method,
      template,
      prefix,
      check: (request) => {
        const problems: string[] = [];
        if (request.method.toLowerCase() !== method)
          problems.push(`method ${request.method}, the description says ${method.toUpperCase()}`);
        const pathOnly = request.url.split("?")[0]!;
        if (!pattern.test(pathOnly))
          problems.push(`path ${pathOnly} does not end with ${template}`);
        for (const p of parameters)
          if (
            p.in === "header" &&
            p.required &&
            request.headers[String(p.name).toLowerCase()] === undefined
          )
            problems.push(`header ${String(p.name)} is required`);
        const type = String(request.headers["content-type"] ?? "")
          .split(";")[0]!
          .trim();
        if (contentTypes.length > 0 && !contentTypes.some((c) => c === "*/*" || c === type))
          problems.push(
            `content-type ${type || "(none)"}, the description takes ${contentTypes.join(", ")}`,
          );
        // Without a security requirement, any scheme the description defines will do.
        const requirements = security ?? Object.keys(schemes ?? {}).map((name) => ({ [name]: [] }));
        if (
          schemes &&
          requirements.length > 0 &&
          !requirements.some((req) =>
            Object.keys(req).every((name) => meets(schemes[name], request)),
          )
        )
          problems.push("no credentials of a kind the description accepts");
        if (validate) {
          let body: unknown;
          try {
            body = JSON.parse(request.body);
          } catch {
            problems.push("the body is not JSON");
            return problems;
          }
          if (!validate(body))
            for (const e of validate.errors ?? [])
              problems.push(
                `body${e.instancePath}: ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`,
              );
        } else if (required) problems.push("a body is required");
        return problems;
      },
    };
  }

  private bodyOf(op: Json, parameters: Json[]) {
    let schema: Json | undefined;
    let contentTypes: string[] = [];
    let required = false;
    if (this.swagger2) {
      const body = parameters.find((p) => p.in === "body");
      schema = body?.schema as Json | undefined;
      required = body?.required === true;
      contentTypes = ((op.consumes ?? this.doc.consumes) as string[] | undefined) ?? [];
    } else if (op.requestBody) {
      const requestBody = this.deref(op.requestBody as Json);
      required = requestBody.required === true;
      const content = (requestBody.content ?? {}) as Record<string, Json>;
      contentTypes = Object.keys(content);
      schema = (content["application/json"] ?? content["*/*"] ?? Object.values(content)[0])
        ?.schema as Json | undefined;
    }
    const validate: ValidateFunction | undefined = schema
      ? this.ajv.compile(rebase(toJsonSchema(schema) as Json, this.id))
      : undefined;
    return { validate, contentTypes, required };
  }

  private deref(node: Json): Json {
    let current = node;
    while (typeof current.$ref === "string") {
      const pointer = current.$ref.replace(/^#\//, "").split("/");
      current = pointer.reduce<Json>(
        (at, key) => at[key.replace(/~1/g, "/").replace(/~0/g, "~")] as Json,
        this.doc,
      );
    }
    return current;
  }
}

/** The path of the first server URL (OpenAPI 3), e.g. /rest for http://{baseurl}/rest. */
function serverPath(doc: Json): string {
  const url = ((doc.servers as Json[] | undefined)?.[0]?.url as string | undefined) ?? "";
  const match = /^[a-z]+:\/\/[^/]+(\/.*)?$/i.exec(url);
  return (match?.[1] ?? "").replace(/\/$/, "");
}

/** Does the request carry the credentials a security scheme asks for? */
function meets(scheme: Json | undefined, request: SeenRequest): boolean {
  if (!scheme) return false;
  const header = (name: string) => request.headers[name.toLowerCase()];
  const auth = String(header("authorization") ?? "");
  switch (scheme.type) {
    case "apiKey":
      return scheme.in === "header"
        ? header(String(scheme.name)) !== undefined
        : scheme.in === "query" &&
            new URL(request.url, "http://x").searchParams.has(String(scheme.name));
    case "basic":
      return /^Basic /i.test(auth);
    case "http":
      return new RegExp(`^${String(scheme.scheme)} `, "i").test(auth);
    case "oauth2":
    case "openIdConnect":
      return /^Bearer /i.test(auth);
    default:
      return false;
  }
}

/**
 * OpenAPI's schema dialect as JSON Schema: `nullable: true` allows null, and
 * keywords JSON Schema lacks are dropped (`discriminator`, which ajv handles
 * only in a strict form, and `example`).
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== "object") return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === "discriminator" || key === "example" || key === "xml") continue;
    out[key] = toJsonSchema(value);
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === "string") out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (out.allOf || out.oneOf || out.anyOf || out.$ref) return { anyOf: [{ type: "null" }, out] };
  }
  return out;
}

/** `$ref: "#/..."` inside a schema taken out of its document points back into it. */
function rebase(node: Json, id: string): Json {
  const walk = (n: unknown): unknown => {
    if (Array.isArray(n)) return n.map(walk);
    if (!n || typeof n !== "object") return n;
    const out: Json = {};
    for (const [k, v] of Object.entries(n as Json))
      out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#") ? `${id}${v}` : walk(v);
    return out;
  };
  return walk(node) as Json;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
