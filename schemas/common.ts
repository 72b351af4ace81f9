// Pieces every kind's schema shares. Each is a plain JSON Schema fragment kept
// `as const`, so json-schema-to-ts can derive the TypeScript types from the very
// objects ajv compiles (issue 3: one definition of what is valid).
//
// Convention: a fragment with a `pattern` or `format` carries a `description`
// phrased to follow "must be", e.g. "a DNS-1123 label (...)". The loader turns a
// failed pattern into `<field> must be <description>`, so the schema also owns
// the message, and editors show the same words on hover.

export const API_VERSION = "kubefox.io/v1alpha1";

export const SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema";

export const apiVersion = { const: API_VERSION } as const;

/** Kubernetes object names that must fit a DNS label: apps, components, environments, platforms. */
export const dnsLabel = {
  type: "string",
  minLength: 1,
  maxLength: 63,
  pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
  description:
    "a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
} as const;

/** Names of existing Kubernetes objects (Secrets, ConfigMaps, service accounts). */
export const dnsSubdomain = {
  type: "string",
  minLength: 1,
  maxLength: 253,
  pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
  description:
    "a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters",
} as const;

/** A name a template can reach as `{{.Vars.X}}`, `{{.Env.X}}` or `{{.Secrets.X}}`. */
export const templateName = {
  type: "string",
  minLength: 1,
  maxLength: 253,
  pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
  description:
    "a template name: letters, digits and '_', not starting with a digit, so that a template can read it",
} as const;

/** A container environment variable name (the rule kubectl has always enforced). */
export const envVarName = {
  type: "string",
  minLength: 1,
  maxLength: 253,
  pattern: "^[-._a-zA-Z][-._a-zA-Z0-9]*$",
  description:
    "an environment variable name: letters, digits, '_', '-' and '.', not starting with a digit",
} as const;

/** A port name as Kubernetes checks it (IANA_SVC_NAME): probes and Services refer to it. */
export const portName = {
  type: "string",
  minLength: 1,
  maxLength: 15,
  pattern: "^(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
  description:
    "a port name: at most 15 lowercase letters, digits and '-', with at least one letter, no '--', starting and ending with a letter or digit",
} as const;

export const portNumber = { type: "integer", minimum: 1, maximum: 65535 } as const;

/** Where a probe connects: a port number or the name of one of the component's ports. */
export const portRef = {
  type: ["integer", "string"],
  minimum: 1,
  maximum: 65535,
  minLength: 1,
  maxLength: 15,
  pattern: portName.pattern,
  description: "a port number or the name of one of the component's ports",
} as const;

/** A host name an Ingress can serve, or an IP address (checked by the `host` format). */
export const host = {
  type: "string",
  format: "host",
  description: "a DNS host name (lowercase, e.g. shop.example.com) or an IP address",
} as const;

/** A value a variable may hold. Numbers must be finite (ajv refuses Infinity and NaN). */
export const scalar = { type: ["string", "number", "boolean"] } as const;

/** Plain variables: template names to scalars. */
export const vars = {
  type: "object",
  default: {},
  propertyNames: templateName,
  additionalProperties: scalar,
} as const;

/**
 * A ref as DESIGN §1 has it: `id/<7 to 40 hex>`, `branch/<name>` or `tag/<name>`,
 * where a tag may be a pattern with `*`. Branch and tag names follow
 * git-check-ref-format: no space or control character, none of ~ ^ : ? [ \,
 * no "..", "@{", "//", no component starting with "." or ending in ".lock",
 * and no leading or trailing "/" or trailing ".".
 */
const refName = (extra: string) =>
  `(?!/)(?!.*//)(?!.*/$)(?!.*\\.$)(?!.*\\.\\.)(?!.*@\\{)(?!\\.)(?!.*/\\.)(?!.*\\.lock(/|$))(?!@$)[^\\x00-\\x20\\x7f~^:?[\\\\${extra}]+`;

export const ref = {
  type: "string",
  maxLength: 1024,
  pattern: `^(id/[0-9a-f]{7,40}|branch/${refName("*")}|tag/${refName("")})$`,
  description:
    "a ref: id/<7 to 40 lowercase hex digits>, branch/<name> or tag/<name> (a tag may be a pattern such as tag/v*)",
} as const;

/** Free text shown to people. */
export const text = { type: "string", maxLength: 4096 } as const;

/**
 * The Kubernetes shape every kind shares: apiVersion, kind, metadata.name, spec.
 * `const` type parameters keep the literal types json-schema-to-ts needs.
 */
export function kindSchema<const Kind extends string, const Spec extends object>(
  kind: Kind,
  spec: Spec,
) {
  return {
    $schema: SCHEMA_DIALECT,
    $id: `https://kubefox.io/schemas/v1alpha1/${kind.toLowerCase()}.schema.json`,
    title: `KubeFox ${kind}`,
    type: "object",
    additionalProperties: false,
    required: ["apiVersion", "kind", "metadata", "spec"],
    properties: {
      apiVersion,
      kind: { const: kind },
      metadata: {
        type: "object",
        additionalProperties: false,
        required: ["name"],
        properties: { name: dnsLabel },
      },
      spec,
    },
  } as const;
}
