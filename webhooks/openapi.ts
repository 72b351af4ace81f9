// The OpenAPI 3.1 document of the HTTP server, served at
// /api/kubefox/v0/openapi.json. The kinds' own JSON Schemas (schemas/) are
// reused for what comes from Git, so the document and the repository format
// cannot disagree; test/api validates real responses of every endpoint
// against it, so it cannot drift from the code either.
import { appSchema } from "../schemas/app.js";
import { configSchema } from "../schemas/config.js";
import { environmentSchema } from "../schemas/environment.js";
import { platformSchema } from "../schemas/platform.js";
import { apiBase, apiVersion } from "./api/types.js";

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str: Schema = { type: "string" };
const time: Schema = { type: "string", format: "date-time" };
const strings: Schema = { type: "array", items: str };
const commitId: Schema = { type: "string", pattern: "^[0-9a-f]{40}$" };
const maybeCommitId: Schema = { type: "string", pattern: "^([0-9a-f]{40})?$" };

function object(properties: Record<string, Schema>, required: string[] = []): Schema {
  return { type: "object", additionalProperties: false, properties, required };
}

/** A successful KubeFox envelope around `data`. */
function envelope(data: Schema): Schema {
  return object(
    {
      isError: { const: false },
      code: { const: 200 },
      msg: str,
      data,
    },
    ["isError", "code", "msg", "data"],
  );
}

const json = (schema: Schema) => ({ "application/json": { schema } });
const errorResponse = (description: string) => ({
  description,
  content: json(ref("Error")),
});

const state: Schema = {
  enum: ["Pending", "Progressing", "Ready", "Degraded", "Failed"],
  description:
    "Pending: known from Git, not yet synced. Progressing: applied, rolling out, or an object not ready yet. Ready: every Deployment Available with all replicas updated and every other applied object ready (kstatus's rules). Degraded: a rollout is stuck, replicas are unavailable, or an object failed (a Job failed, a Pod crash-loops, a Stalled condition). Failed: not applied (the ref did not resolve, the tree is invalid, the policy refused it, or the apply failed); what ran before keeps running.",
};

const schemas: Record<string, Schema> = {
  Error: object(
    {
      isError: { const: true },
      code: { type: "integer" },
      msg: str,
      validationErrors: { ...strings, description: "`file:line:col: message` of each problem" },
    },
    ["isError", "code", "msg"],
  ),
  StringList: envelope(strings),
  Metadata: object({ name: str, title: str, description: str }, ["name"]),
  App: appSchema.properties.spec as Schema,
  System: object(
    {
      kind: { const: "System" },
      apiVersion: { const: apiVersion },
      id: { ...commitId, description: "the commit the system was read from" },
      metadata: ref("Metadata"),
      gitRepo: str,
      gitHash: { type: "string", pattern: "^[0-9a-f]{7}$" },
      gitRef: { ...str, description: "branch/<name>, tag/<name> or id/<commit>" },
      message: { ...str, description: "the commit's subject line" },
      apps: { type: "object", additionalProperties: ref("App") },
    },
    ["kind", "apiVersion", "id", "metadata", "gitRepo", "gitHash", "gitRef", "apps"],
  ),
  RepositoryStatus: object(
    {
      source: str,
      controlBranch: str,
      controlId: commitId,
      controlProblems: strings,
      lastFetchTime: time,
      lastSyncTime: time,
      lastError: str,
      syncs: { type: "integer", minimum: 0 },
      synced: { type: "boolean" },
    },
    ["source", "controlProblems", "syncs", "synced"],
  ),
  SystemHead: object(
    {
      kind: { const: "System" },
      apiVersion: { const: apiVersion },
      id: maybeCommitId,
      metadata: ref("Metadata"),
      gitRepo: str,
      gitRef: str,
      status: object(
        {
          repository: ref("RepositoryStatus"),
          deployments: { ...strings, description: "<platform>/<ref> of each deployment" },
          releases: { ...strings, description: "<platform>/<environment> of each release" },
        },
        ["repository", "deployments", "releases"],
      ),
    },
    ["kind", "apiVersion", "id", "metadata", "gitRepo", "status"],
  ),
  Environment: object(
    {
      ...controlBase("Environment"),
      ...(environmentSchema.properties.spec.properties as Record<string, Schema>),
    },
    ["kind", "apiVersion", "id", "metadata", "system", "gitHash"],
  ),
  Config: object(
    {
      ...controlBase("Config"),
      ...(configSchema.properties.spec.properties as Record<string, Schema>),
    },
    ["kind", "apiVersion", "id", "metadata", "system", "gitHash", "components", "secrets"],
  ),
  ComponentHealth: object(
    {
      app: str,
      component: str,
      deployment: str,
      state: ref("State"),
      replicas: { type: "string", pattern: "^\\d+/\\d+$" },
      commit: commitId,
      message: str,
    },
    ["app", "component", "deployment", "state", "replicas"],
  ),
  State: state,
  NotReadyObject: object(
    {
      apiVersion: str,
      kind: str,
      name: str,
      namespace: str,
      state: ref("State"),
      message: { ...str, description: "why, in kstatus's words" },
    },
    ["apiVersion", "kind", "name", "state", "message"],
  ),
  ObjectStatus: object({ kind: str, name: str, namespace: str, message: str }, [
    "kind",
    "name",
    "message",
  ]),
  InventoryEntry: object({ apiVersion: str, kind: str, name: str, namespace: str }, [
    "apiVersion",
    "kind",
    "name",
  ]),
  UnmanagedObject: object({ apiVersion: str, kind: str, name: str, managers: strings }, [
    "apiVersion",
    "kind",
    "name",
    "managers",
  ]),
  Deployment: object(
    {
      kind: { const: "Deployment" },
      apiVersion: { const: apiVersion },
      platform: str,
      system: str,
      ref: str,
      environment: str,
      status: object(
        {
          ready: { type: "boolean" },
          state: ref("State"),
          id: { ...maybeCommitId, description: "the commit the ref resolved to on the last sync" },
          appliedId: { ...maybeCommitId, description: "the commit whose objects run now" },
          components: { type: "array", items: ref("ComponentHealth") },
          notReady: {
            type: "array",
            items: ref("NotReadyObject"),
            description: "applied objects that are not Ready, with why; absent when all are",
          },
          conflicts: { type: "array", items: ref("ObjectStatus") },
          warnings: strings,
          lastError: str,
          lastErrorCode: str,
          lastSyncTime: time,
          lastTransitionTime: time,
          inventory: { type: "array", items: ref("InventoryEntry") },
        },
        ["ready", "state", "id", "appliedId", "components", "conflicts", "warnings", "inventory"],
      ),
    },
    ["kind", "apiVersion", "platform", "system", "ref", "status"],
  ),
  Release: object(
    {
      kind: { const: "Release" },
      apiVersion: { const: apiVersion },
      platform: str,
      system: str,
      environment: str,
      ref: str,
      status: {
        type: "object",
        required: ["ready"],
        properties: { ready: { type: "boolean" }, state: ref("State") },
        description:
          "the release's state as the controller reports it: state, its active and pending versions, its history (DESIGN §4) and its components' health; absent until its first reconcile",
      },
    },
    ["kind", "apiVersion", "platform", "system", "environment", "ref"],
  ),
  Platform: object(
    {
      kind: { const: "Platform" },
      apiVersion: { const: apiVersion },
      id: { type: "string", pattern: "^[0-9a-f]{40}$", description: "the Git blob id of its file" },
      metadata: ref("Metadata"),
      system: str,
      ...(platformSchema.properties.spec.properties as Record<string, Schema>),
      status: object(
        {
          healthy: { type: "boolean" },
          lastSyncTime: time,
          lastError: str,
          deployments: { type: "array", items: ref("Deployment") },
          releases: { type: "array", items: ref("Release") },
          unmanaged: { type: "array", items: ref("UnmanagedObject") },
        },
        ["healthy", "deployments", "releases", "unmanaged"],
      ),
    },
    [
      "kind",
      "apiVersion",
      "id",
      "metadata",
      "system",
      "namespace",
      "deployments",
      "releases",
      "status",
    ],
  ),
  Topology: object(
    {
      kind: { const: "Topology" },
      platform: str,
      namespace: str,
      system: str,
      apps: {
        type: "array",
        items: object(
          {
            name: str,
            components: {
              type: "array",
              items: object(
                {
                  name: str,
                  deployments: { type: "array", items: ref("DeploymentNode") },
                  services: { type: "array", items: ref("ServiceNode") },
                  ingresses: { type: "array", items: ref("IngressNode") },
                },
                ["name", "deployments", "services", "ingresses"],
              ),
            },
          },
          ["name", "components"],
        ),
      },
      ingresses: { type: "array", items: ref("IngressNode") },
    },
    ["kind", "platform", "namespace", "system", "apps", "ingresses"],
  ),
  DeploymentNode: object(
    {
      name: str,
      ref: str,
      commit: commitId,
      environment: str,
      state: ref("State"),
      replicas: { type: "string", pattern: "^\\d+/\\d+$" },
      replicaSets: {
        type: "array",
        items: object(
          {
            name: str,
            revision: str,
            replicas: { type: "integer" },
            readyReplicas: { type: "integer" },
            pods: { type: "array", items: ref("PodNode") },
          },
          ["name", "replicas", "readyReplicas", "pods"],
        ),
      },
    },
    ["name", "replicas", "replicaSets"],
  ),
  PodNode: object(
    { name: str, phase: str, ready: { type: "boolean" }, restarts: { type: "integer" }, node: str },
    ["name", "phase", "ready", "restarts"],
  ),
  ServiceNode: object(
    {
      name: str,
      type: str,
      ports: {
        type: "array",
        items: object({ name: str, port: { type: "integer" }, nodePort: { type: "integer" } }, [
          "port",
        ]),
      },
    },
    ["name", "type", "ports"],
  ),
  IngressNode: object({ name: str, environment: str, hosts: strings }, ["name", "hosts"]),
  SyncEvent: object(
    {
      time,
      repo: str,
      reason: {
        ...str,
        description:
          "what started it: start, poll, local commit, cluster change, or `webhook <provider> <syncId>`",
      },
      fetch: { type: "boolean" },
      ms: { type: "number", minimum: 0 },
      result: { enum: ["ok", "error"] },
      error: str,
    },
    ["time", "repo", "reason", "fetch", "ms", "result"],
  ),
  PlatformEvent: object(
    {
      time,
      repo: str,
      platform: str,
      writes: { type: "integer", minimum: 0 },
      ms: { type: "number", minimum: 0 },
      deployments: {
        type: "array",
        items: object({ ref: str, id: maybeCommitId, state: ref("State") }, ["ref", "id", "state"]),
      },
    },
    ["time", "repo", "platform", "writes", "ms", "deployments"],
  ),
  PodEvent: object(
    {
      time,
      change: { enum: ["created", "ready", "restarted", "deleted"] },
      namespace: str,
      name: str,
      platform: str,
      app: str,
      component: str,
      ref: str,
      commit: commitId,
      phase: str,
      ready: { type: "boolean" },
      restarts: { type: "integer", minimum: 0 },
      node: str,
    },
    ["time", "change", "namespace", "name", "phase", "ready", "restarts"],
  ),
  WebhookAnswer: object(
    {
      message: str,
      syncId: {
        type: "string",
        description: "names the sync this push started; it appears in the sync's reason",
      },
      matched: { type: "integer", minimum: 0, description: "watched repositories asked to sync" },
    },
    ["message"],
  ),
};

function controlBase(kind: string): Record<string, Schema> {
  return {
    kind: { const: kind },
    apiVersion: { const: apiVersion },
    id: { type: "string", pattern: "^[0-9a-f]{40}$", description: "the Git blob id of its file" },
    metadata: ref("Metadata"),
    system: str,
    gitRef: { ...str, description: "branch/<control branch> or tag/<tag> it was read from" },
    gitHash: {
      type: "string",
      pattern: "^[0-9a-f]{7}$",
      description: "the commit it was read from",
    },
  };
}

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
const one = (summary: string, schema: string, options = {}) =>
  get(summary, envelope(ref(schema)), options);

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
        "server-sent events: `sync` (SyncEvent) and `platform` (PlatformEvent) as syncs finish, `pod` (PodEvent) as managed pods are created, become ready, restart or are deleted",
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

function controlPaths(kind: string, schema: string) {
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
    schemas,
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
    "/healthz": probe("the process is up", object({ status: { const: "ok" } }, ["status"])),
    "/readyz": probe(
      "every repository's first sync has finished",
      object({ ready: { const: true } }, ["ready"]),
      {
        "503": {
          description: "not yet",
          content: json(object({ ready: { const: false }, message: str }, ["ready", "message"])),
        },
      },
    ),
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
