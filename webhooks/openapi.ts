// The OpenAPI 3.1 document of the HTTP server, served at
// /api/kubefox/v0/openapi.json. Its components.schemas are generated from the
// JSON Schemas in schemas/ (the status contract and the repository's kinds),
// so the document, the code's types and the repository format cannot
// disagree; the paths below only name them. test/api validates real responses
// of every endpoint against it, so it cannot drift from the code either.
import { namedSchemas, type SchemaName } from "../schemas/api/named.js";
import { successSchema } from "../schemas/api/envelope.js";
import { streamEventSchemas } from "../schemas/status/events.js";
import { componentSchemas } from "./openapi-components.js";
import { apiBase } from "./api/types.js";

type Schema = Record<string, unknown>;

const ref = (name: SchemaName): Schema => ({ $ref: `#/components/schemas/${name}` });
const str: Schema = { type: "string" };

const json = (schema: Schema) => ({ "application/json": { schema } });
const errorResponse = (description: string) => ({
  description,
  content: json(ref("Error")),
});

/** The component that names each event's data: `sync` → SyncEvent. */
const eventSchemaNames = Object.keys(streamEventSchemas).map((event) => {
  const name = Object.entries(namedSchemas).find(
    ([, schema]) => schema === streamEventSchemas[event as keyof typeof streamEventSchemas],
  )?.[0];
  if (!name) throw new Error(`event ${event} has no named schema in schemas/api/named.ts`);
  return `\`${event}\` (${name})`;
});

// Parameters
const param = (name: string, description: string) => ({
  name,
  in: "path",
  required: true,
  description,
  schema: str,
});
const params: Record<string, ReturnType<typeof param>> = {
  name: param("name", "the name of the system, environment, config or platform"),
  id: param("id", "a commit id (system) or blob id (environment, config): 7 to 40 hex digits"),
  branch: param("branch", "a branch name; one URL-encoded segment when it holds `/` (feature%2Fx)"),
  tag: param("tag", "a tag name; one URL-encoded segment when it holds `/`"),
  system: param("system", "the system's name"),
  refType: { ...param("refType", "id, branch or tag"), schema: { enum: ["id", "branch", "tag"] } },
  ref: param(
    "ref",
    "the id, branch or tag as the platform file names it; URL-encoded when it holds `/`",
  ),
  environment: param("environment", "the environment's name"),
};

const secured = [{ bearer: [] }, {}];

function get(
  summary: string,
  data: Schema,
  options: { notFound?: boolean; invalid?: boolean; unavailable?: boolean; byId?: boolean } = {},
) {
  return {
    summary,
    security: secured,
    responses: {
      "200": { description: "found", content: json(data) },
      ...(options.notFound === false ? {} : { "404": errorResponse("no such name, id or ref") }),
      ...(options.invalid
        ? {
            "422": errorResponse(
              "the files at that commit are invalid; validationErrors says where",
            ),
          }
        : {}),
      ...(options.unavailable
        ? { "503": errorResponse("the platform's cluster cannot be read") }
        : {}),
      "401": errorResponse("a bearer token is configured and the request lacks it"),
    },
  };
}

function readOnly(path: string) {
  const refused = {
    summary: "refused: the API is read-only, changes go through Git",
    security: secured,
    responses: { "405": errorResponse("changes go through Git") },
  };
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => params[m[1]!]!);
  return {
    ...(names.length > 0 ? { parameters: names } : {}),
    post: refused,
    put: refused,
    patch: refused,
    delete: refused,
  };
}

const list = (summary: string, notFound = true) => get(summary, ref("StringList"), { notFound });
const one = (summary: string, schema: SchemaName, options = {}) =>
  get(summary, successSchema(ref(schema)), options);

const apiPaths: Record<string, Record<string, unknown>> = {
  "/system": { get: list("names of the watched systems", false) },
  "/system/{name}": {
    get: one("the system, its repository's sync status, and where it runs", "SystemHead"),
  },
  "/system/{name}/metadata": { get: one("its name, title and description", "Metadata") },
  "/system/{name}/id": {
    get: list("commits branches and tags point at, and the control branch's last 50"),
  },
  "/system/{name}/id/{id}": {
    get: one("the system at a commit (7 to 40 hex digits, unique)", "System", {
      invalid: true,
      byId: true,
    }),
  },
  "/system/{name}/branch": { get: list("branch names") },
  "/system/{name}/branch/{branch}": {
    get: one("the system at a branch", "System", { invalid: true }),
  },
  "/system/{name}/tag": { get: list("tag names") },
  "/system/{name}/tag/{tag}": { get: one("the system at a tag", "System", { invalid: true }) },
  ...controlPaths("environment", "Environment"),
  ...controlPaths("config", "Config"),
  "/platform": { get: list("platform names", false) },
  "/platform/{name}": { get: one("the platform file and its status", "Platform") },
  "/platform/{name}/metadata": { get: one("its name", "Metadata") },
  "/platform/{name}/deployment": { get: list("<system>/<refType>/<ref> of each deployment") },
  "/platform/{name}/deployment/{system}/{refType}/{ref}": {
    get: one("one deployment and its status", "Deployment"),
  },
  "/platform/{name}/release": { get: list("<system>/<environment> of each release") },
  "/platform/{name}/release/{system}/{environment}": {
    get: one("one release and its status", "Release"),
  },
  "/platform/{name}/topology": {
    get: one(
      "system → apps → components → Deployments, ReplicaSets, Pods, Services, Ingresses",
      "Topology",
      {
        unavailable: true,
      },
    ),
  },
  "/openapi.json": {
    get: {
      summary: "this document",
      security: secured,
      responses: {
        "200": { description: "OpenAPI 3.1", content: json({ type: "object" }) },
        "401": errorResponse("a bearer token is configured and the request lacks it"),
      },
    },
  },
  "/events": {
    get: {
      summary:
        `server-sent events, each named with the schema of its data: ${eventSchemaNames.join(", ")}. ` +
        "sync and platform come as syncs finish, pod as managed pods are created, become ready, restart or are deleted. " +
        "Each event has an id: a client that reconnects with Last-Event-ID is sent what it missed " +
        "(response header X-Kubefox-Replay: the count), or X-Kubefox-Replay: reset when that id is no longer known (read everything again)",
      security: secured,
      responses: {
        "200": {
          description: "an endless text/event-stream; each `data:` line is one JSON object",
          content: { "text/event-stream": { schema: str } },
        },
        "401": errorResponse("a bearer token is configured and the request lacks it"),
      },
    },
  },
};

function controlPaths(kind: string, schema: SchemaName) {
  return {
    [`/${kind}`]: { get: list(`${kind} names on the control branch`, false) },
    [`/${kind}/{name}`]: {
      get: one(`the ${kind} as on the control branch; id is its file's blob id`, schema, {
        invalid: true,
      }),
    },
    [`/${kind}/{name}/metadata`]: { get: one("its name", "Metadata", { invalid: true }) },
    [`/${kind}/{name}/id`]: {
      get: list("blob ids its file had: on the control branch, its last 50 commits, and every tag"),
    },
    [`/${kind}/{name}/id/{id}`]: {
      get: one(`the ${kind} with that blob id`, schema, { invalid: true, byId: true }),
    },
    [`/${kind}/{name}/tag`]: { get: list("tags whose commit holds its file") },
    [`/${kind}/{name}/tag/{tag}`]: { get: one(`the ${kind} at a tag`, schema, { invalid: true }) },
  };
}

function withParameters(path: string, item: Record<string, unknown>) {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => params[m[1]!]!);
  return { ...(names.length > 0 ? { parameters: names } : {}), ...item };
}

const probe = (summary: string, schema: Schema, extra: Record<string, unknown> = {}) => ({
  get: {
    summary,
    security: [{}],
    responses: { "200": { description: "yes", content: json(schema) }, ...extra },
  },
});

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "kubefox-gitops",
    version: "v0",
    description:
      "Push webhooks and the read-only status API of kubefox-gitops. Every status answer has KubeFox v0's envelope (isError, code, msg, data). Nothing is written through this API: changes go through Git.",
  },
  components: {
    schemas: componentSchemas(namedSchemas),
    securitySchemes: {
      bearer: {
        type: "http",
        scheme: "bearer",
        description:
          "only when the controller runs with --api-token-file or KUBEFOX_GITOPS_API_TOKEN",
      },
    },
  },
  paths: {
    ...Object.fromEntries(
      Object.entries(apiPaths).map(([path, item]) => [
        apiBase + path,
        { ...readOnly(path), ...withParameters(path, item) },
      ]),
    ),
    "/healthz": probe("the process is up", ref("Health")),
    "/readyz": probe("every repository's first sync has finished", ref("Ready"), {
      "503": { description: "not yet", content: json(ref("NotReady")) },
    }),
    "/metrics": {
      get: {
        summary: "Prometheus metrics (kubefox_gitops_*)",
        security: secured,
        responses: {
          "200": {
            description: "text exposition format",
            content: { "text/plain": { schema: str } },
          },
          "401": errorResponse("a bearer token is configured and the request lacks it"),
        },
      },
    },
    "/webhooks/{provider}": {
      parameters: [
        {
          name: "provider",
          in: "path",
          required: true,
          schema: { enum: ["github", "gitlab", "gitea", "bitbucket", "generic"] },
        },
      ],
      post: {
        summary:
          "a push from a Git host: GitHub and Gitea sign with X-Hub-Signature-256, GitLab sends X-Gitlab-Token, Bitbucket signs with X-Hub-Signature, generic with X-Signature (sha256=<hex> of the body)",
        security: [{}],
        requestBody: {
          required: true,
          content: { "application/json": { schema: { type: "object" } } },
        },
        responses: {
          "200": {
            description: "a ping, or an event other than a push: nothing to do",
            content: json(ref("WebhookAnswer")),
          },
          "202": {
            description:
              "a push: the sync of each watched repository it names was requested (none when matched is 0)",
            content: json(ref("WebhookAnswer")),
          },
          "400": {
            description: "the body is not JSON, or not a push we can read",
            content: json(ref("WebhookAnswer")),
          },
          "401": {
            description: "no secret configured, or a missing or wrong signature",
            content: json(ref("WebhookAnswer")),
          },
          "404": { description: "no such provider", content: json(ref("WebhookAnswer")) },
          "413": {
            description: "the body is larger than 1 MiB",
            content: json(ref("WebhookAnswer")),
          },
        },
      },
    },
  },
} as const;
