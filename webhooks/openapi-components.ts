// The OpenAPI document's components.schemas, generated from the named schemas
// of schemas/api/named.ts: each is written once, and wherever one appears
// inside another (the same object, or a copy with its own description) it
// becomes a `$ref` to it by name. So the document restates nothing: a field
// added to a schema in schemas/ is in the document, everywhere it is used.

type Schema = Record<string, unknown>;

/** Keywords whose value is a schema, a list of schemas, or a map of schemas; the rest is data. */
const oneSchema = new Set([
  "items",
  "additionalProperties",
  "propertyNames",
  "contains",
  "not",
  "if",
  "then",
  "else",
  "unevaluatedItems",
  "unevaluatedProperties",
]);
const schemaList = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
const schemaMap = new Set(["properties", "patternProperties", "$defs", "dependentSchemas"]);

const isObject = (v: unknown): v is Schema =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A schema's shape apart from its description: a copy that only describes a field differently is the same schema. */
function shape(schema: Schema): string {
  const { description: _description, ...rest } = schema;
  return JSON.stringify(rest);
}

export function componentSchemas(named: Record<string, object>): Record<string, Schema> {
  const byIdentity = new Map<object, string>();
  const byShape = new Map<string, string>();
  for (const [name, schema] of Object.entries(named)) {
    const key = shape(schema as Schema);
    const twin = byShape.get(key);
    if (twin) throw new Error(`schemas ${twin} and ${name} are the same shape: name it once`);
    byIdentity.set(schema, name);
    byShape.set(key, name);
  }

  const refer = (schema: Schema): Schema | undefined => {
    const name = byIdentity.get(schema) ?? byShape.get(shape(schema));
    if (!name) return undefined;
    const own = schema.description;
    const described = own !== undefined && own !== (named[name] as Schema).description;
    return { $ref: `#/components/schemas/${name}`, ...(described ? { description: own } : {}) };
  };

  const rewrite = (schema: Schema, root = false): Schema => {
    const ref = root ? undefined : refer(schema);
    if (ref) return ref;
    const out: Schema = {};
    for (const [key, value] of Object.entries(schema)) {
      if (oneSchema.has(key) && isObject(value)) out[key] = rewrite(value);
      else if (schemaList.has(key) && Array.isArray(value))
        out[key] = value.map((v) => (isObject(v) ? rewrite(v) : v));
      else if (schemaMap.has(key) && isObject(value))
        out[key] = Object.fromEntries(
          Object.entries(value).map(([k, v]) => [k, isObject(v) ? rewrite(v) : v]),
        );
      else out[key] = value;
    }
    return out;
  };

  return Object.fromEntries(
    Object.entries(named).map(([name, schema]) => [name, rewrite(schema as Schema, true)]),
  );
}
