// One workload of an app (DESIGN §2): the fields a component may set. Shapes
// follow the Kubernetes fields they become, so the words are the ones people know.
import type { FromSchema } from "json-schema-to-ts";
import { dnsSubdomain, envVarName, portName, portNumber, portRef } from "./common.js";

const count = { type: "integer", minimum: 0, maximum: 2147483647 } as const;

/** Seconds as Kubernetes probes take them; at most a day, which no probe needs to exceed. */
const seconds = { type: "integer", minimum: 0, maximum: 86400 } as const;

/**
 * A Kubernetes quantity: `100m`, `0.5`, `64Mi`, `1G`, `1e3`. YAML reads `cpu: 1`
 * as a number, which Kubernetes accepts too, so numbers are allowed.
 */
const quantity = {
  type: ["string", "number"],
  minimum: 0,
  maxLength: 64,
  pattern: "^(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+|[munkMGTPE]|[KMGTPE]i)?$",
  description: "a Kubernetes quantity such as 100m, 0.5, 64Mi or 1G",
} as const;

const resourceList = {
  type: "object",
  additionalProperties: false,
  properties: { cpu: quantity, memory: quantity },
} as const;

const port = {
  type: "object",
  additionalProperties: false,
  required: ["name", "containerPort"],
  properties: {
    name: portName,
    containerPort: portNumber,
    // A nodePort asks for a NodePort Service. The cluster decides which range it
    // accepts (30000-32767 unless configured), so only the port's own range is checked.
    nodePort: portNumber,
    protocol: { enum: ["TCP", "UDP", "SCTP"], default: "TCP" },
  },
} as const;

/**
 * A probe has exactly one handler. The `oneOf` branches only say which field is
 * present; the fields' shapes live in `properties`, so an error inside a handler
 * is reported once, where it is (the loader folds the branches into one message).
 */
const probe = {
  type: "object",
  additionalProperties: false,
  properties: {
    httpGet: {
      type: "object",
      additionalProperties: false,
      required: ["port"],
      properties: {
        path: {
          type: "string",
          maxLength: 2048,
          pattern: "^/",
          description: "an absolute URL path, starting with '/'",
        },
        port: portRef,
        scheme: { enum: ["HTTP", "HTTPS"] },
      },
    },
    tcpSocket: {
      type: "object",
      additionalProperties: false,
      required: ["port"],
      properties: { port: portRef },
    },
    exec: {
      type: "object",
      additionalProperties: false,
      required: ["command"],
      properties: { command: { type: "array", minItems: 1, items: { type: "string" } } },
    },
    initialDelaySeconds: seconds,
    periodSeconds: { ...seconds, minimum: 1 },
    timeoutSeconds: { ...seconds, minimum: 1 },
    successThreshold: { ...count, minimum: 1 },
    failureThreshold: { ...count, minimum: 1 },
  },
  oneOf: [{ required: ["httpGet"] }, { required: ["tcpSocket"] }, { required: ["exec"] }],
} as const;

/** A ConfigMap or Secret that already exists in the platform's namespace, mounted as files. */
const mount = {
  type: "object",
  additionalProperties: false,
  required: ["mountPath"],
  properties: {
    configMap: dnsSubdomain,
    secret: dnsSubdomain,
    mountPath: {
      type: "string",
      maxLength: 4096,
      pattern: "^/",
      description: "an absolute path in the container, starting with '/'",
    },
    subPath: {
      type: "string",
      minLength: 1,
      maxLength: 4096,
      pattern: "^(?!/)(?!(.*/)?\\.\\.(/|$)).*$",
      description: "a relative path inside the volume, without '..'",
    },
    readOnly: { type: "boolean" },
  },
  oneOf: [{ required: ["configMap"] }, { required: ["secret"] }],
} as const;

export const componentSchema = {
  type: "object",
  additionalProperties: false,
  required: ["image"],
  properties: {
    image: {
      type: "string",
      minLength: 1,
      maxLength: 1024,
      pattern: "^[^\\s]+$",
      description: "a container image reference without spaces, e.g. ghcr.io/acme/web:1.4.0",
    },
    replicas: { ...count, default: 1 },
    ports: { type: "array", default: [], items: port },
    command: { type: "array", items: { type: "string" } },
    args: { type: "array", items: { type: "string" } },
    // Values are templates: {{.Env.X}} and {{.Vars.X}} from the environment,
    // {{.Secrets.X}} from its config (checked by the loader, not by a pattern).
    env: {
      type: "object",
      default: {},
      propertyNames: envVarName,
      additionalProperties: { type: "string" },
    },
    routes: {
      type: "array",
      default: [],
      items: {
        type: "object",
        additionalProperties: false,
        required: ["rule"],
        properties: { rule: { type: "string", minLength: 1, maxLength: 4096 } },
      },
    },
    readinessProbe: probe,
    livenessProbe: probe,
    resources: {
      type: "object",
      additionalProperties: false,
      properties: { requests: resourceList, limits: resourceList },
    },
    mounts: { type: "array", default: [], items: mount },
    serviceAccountName: dnsSubdomain,
  },
} as const;

export type Component = FromSchema<typeof componentSchema>;
export type ComponentPort = Component["ports"][number];
export type Probe = NonNullable<Component["readinessProbe"]>;
export type Mount = Component["mounts"][number];
export type Route = Component["routes"][number];
