// Every read of the status API (DESIGN §6), as data: its Express path, its
// OpenAPI path, and a plain function from the view and the path's parameters
// to an answer. webhooks/server.ts binds them all in one place; the OpenAPI
// test checks this table and webhooks/openapi.ts list the same paths.
import { found, listed, notFound, type Answer } from "./envelope.js";
import type { ControlKind, StatusView } from "./types.js";

export type Params = Readonly<Record<string, string>>;

export interface ApiRoute {
  /**
   * Express path below /api/kubefox/v0. A branch, tag or ref is one URL-encoded
   * segment (`feature%2Fx`); a trailing `*splat` also takes it unencoded.
   */
  path: string;
  /** The same path as the OpenAPI document writes it. */
  template: string;
  answer(view: StatusView, params: Params): Promise<Answer>;
}

const refTypes = new Set(["id", "branch", "tag"]);

function systemRoutes(): ApiRoute[] {
  const head = async (view: StatusView, name: string) => view.systemHead(name);
  return [
    {
      path: "/system",
      template: "/system",
      answer: async (view) => listed("systems", await view.systemNames()),
    },
    {
      path: "/system/:name",
      template: "/system/{name}",
      answer: async (view, { name }) => {
        const system = await head(view, name!);
        return system ? found(`got system ${name}`, system) : notFound(`system ${name}`);
      },
    },
    {
      path: "/system/:name/metadata",
      template: "/system/{name}/metadata",
      answer: async (view, { name }) => {
        const system = await head(view, name!);
        return system
          ? found(`got system ${name} metadata`, system.metadata)
          : notFound(`system ${name}`);
      },
    },
    ...(["id", "branch", "tag"] as const).flatMap((refType): ApiRoute[] => [
      {
        path: `/system/:name/${refType}`,
        template: `/system/{name}/${refType}`,
        answer: async (view, { name }) => {
          const list =
            refType === "id"
              ? await view.systemIds(name!)
              : refType === "branch"
                ? await view.systemBranches(name!)
                : await view.systemTags(name!);
          return list ? listed(`${refType}s of system ${name}`, list) : notFound(`system ${name}`);
        },
      },
      {
        path: `/system/:name/${refType}/*${refType}`,
        template: `/system/{name}/${refType}/{${refType}}`,
        answer: async (view, params) => {
          const name = params.name!;
          const value = params[refType]!;
          const at =
            refType === "id"
              ? { id: value }
              : refType === "branch"
                ? { branch: value }
                : { tag: value };
          const system = await view.systemAt(name, at);
          return system
            ? found(`got system ${name} at ${refType}/${value}`, system)
            : notFound(`${refType} ${value} of system ${name}`);
        },
      },
    ]),
  ];
}

function controlRoutes(kind: ControlKind): ApiRoute[] {
  const plural = `${kind}s`;
  const object = async (view: StatusView, name: string) => view.controlObject(kind, name);
  return [
    {
      path: `/${kind}`,
      template: `/${kind}`,
      answer: async (view) => listed(plural, await view.controlNames(kind)),
    },
    {
      path: `/${kind}/:name`,
      template: `/${kind}/{name}`,
      answer: async (view, { name }) => {
        const obj = await object(view, name!);
        return obj ? found(`got ${kind} ${name}`, obj) : notFound(`${kind} ${name}`);
      },
    },
    {
      path: `/${kind}/:name/metadata`,
      template: `/${kind}/{name}/metadata`,
      answer: async (view, { name }) => {
        const obj = await object(view, name!);
        return obj
          ? found(`got ${kind} ${name} metadata`, obj.metadata)
          : notFound(`${kind} ${name}`);
      },
    },
    ...(["id", "tag"] as const).flatMap((refType): ApiRoute[] => [
      {
        path: `/${kind}/:name/${refType}`,
        template: `/${kind}/{name}/${refType}`,
        answer: async (view, { name }) => {
          const list =
            refType === "id"
              ? await view.controlIds(kind, name!)
              : await view.controlTags(kind, name!);
          return list
            ? listed(`${refType}s of ${kind} ${name}`, list)
            : notFound(`${kind} ${name}`);
        },
      },
      {
        path: `/${kind}/:name/${refType}/*${refType}`,
        template: `/${kind}/{name}/${refType}/{${refType}}`,
        answer: async (view, params) => {
          const name = params.name!;
          const value = params[refType]!;
          const obj = await view.controlObject(
            kind,
            name,
            refType === "id" ? { id: value } : { tag: value },
          );
          return obj
            ? found(`got ${kind} ${name} at ${refType}/${value}`, obj)
            : notFound(`${refType} ${value} of ${kind} ${name}`);
        },
      },
    ]),
  ];
}

function platformRoutes(): ApiRoute[] {
  const withPlatform = (
    template: string,
    path: string,
    answer: (p: NonNullable<Awaited<ReturnType<StatusView["platform"]>>>, params: Params) => Answer,
  ): ApiRoute => ({
    path,
    template,
    answer: async (view, params) => {
      const platform = await view.platform(params.name!);
      return platform ? answer(platform, params) : notFound(`platform ${params.name}`);
    },
  });
  return [
    {
      path: "/platform",
      template: "/platform",
      answer: async (view) => listed("platforms", await view.platformNames()),
    },
    withPlatform("/platform/{name}", "/platform/:name", (p) =>
      found(`got platform ${p.metadata.name}`, p),
    ),
    withPlatform("/platform/{name}/metadata", "/platform/:name/metadata", (p) =>
      found(`got platform ${p.metadata.name} metadata`, p.metadata),
    ),
    withPlatform("/platform/{name}/deployment", "/platform/:name/deployment", (p) =>
      listed(
        `deployments of platform ${p.metadata.name}`,
        p.status.deployments.map((d) => deploymentKey(d.system, d.ref)),
      ),
    ),
    withPlatform(
      "/platform/{name}/deployment/{system}/{refType}/{ref}",
      "/platform/:name/deployment/:system/:refType/*ref",
      (p, { system, refType, ref }) => {
        const wanted = `${refType}/${ref}`;
        const d = refTypes.has(refType!)
          ? p.status.deployments.find((x) => x.system === system && x.ref === wanted)
          : undefined;
        return d
          ? found(`got deployment ${system}/${wanted} of platform ${p.metadata.name}`, d)
          : notFound(`deployment ${system}/${wanted} of platform ${p.metadata.name}`);
      },
    ),
    withPlatform("/platform/{name}/release", "/platform/:name/release", (p) =>
      listed(
        `releases of platform ${p.metadata.name}`,
        p.status.releases.map((r) => `${r.system}/${r.environment}`),
      ),
    ),
    withPlatform(
      "/platform/{name}/release/{system}/{environment}",
      "/platform/:name/release/:system/:environment",
      (p, { system, environment }) => {
        const r = p.status.releases.find(
          (x) => x.system === system && x.environment === environment,
        );
        return r
          ? found(`got release ${system}/${environment} of platform ${p.metadata.name}`, r)
          : notFound(`release ${system}/${environment} of platform ${p.metadata.name}`);
      },
    ),
    {
      path: "/platform/:name/topology",
      template: "/platform/{name}/topology",
      answer: async (view, { name }) => {
        const topology = await view.topology(name!);
        return topology
          ? found(`got topology of platform ${name}`, topology)
          : notFound(`platform ${name}`);
      },
    },
  ];
}

export const apiRoutes: readonly ApiRoute[] = [
  ...systemRoutes(),
  ...controlRoutes("environment"),
  ...controlRoutes("config"),
  ...platformRoutes(),
];

/** `{system}/{refType}/{ref}`: how a deployment is named below platform/{name}/deployment/. */
function deploymentKey(system: string, ref: string): string {
  return `${system}/${ref}`;
}
