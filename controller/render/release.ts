// A release ("serve system S at ref R as environment E on platform P") as
// Kubernetes objects (DESIGN §3, §4). Two parts:
// - a version: per component a ConfigMap and a Deployment named after the
//   environment and the commit, so two versions run side by side;
// - the front: per component with ports a Service named after the environment
//   only, whose selector picks the pods of one version, and an Ingress for the
//   environment's hostNames. Cutting over is applying the front for the new
//   version: the selectors switch, in one step.
// Pure; the `<env>-routing` Secret holds random keys, which reconcile makes.
import type { KubernetesObject, V1Ingress, V1IngressRule, V1Secret } from "@kubernetes/client-node";
import { labels, managedByValue } from "../cluster/labels.js";
import { withDesiredHash } from "./deployment.js";
import { resolveEnv } from "./env.js";
import { fillTemplate } from "./fill.js";
import type { EnvironmentContext, PlatformTarget, SystemAtCommit } from "./input.js";
import { labelValue, objectName } from "./names.js";
import { parseRouteRule } from "../model/route-rule.js";
import { configMap, deployment, service, type WorkloadContext } from "./workload.js";

export interface ReleaseTarget {
  ref: string;
  environment: EnvironmentContext;
  hostNames: string[];
}

export interface RenderedRelease {
  objects: KubernetesObject[];
  /** What the environment cannot fill: a release is never rendered half-filled. */
  problems: string[];
}

export function versionOwner(environment: string, commit: string): string {
  return labelValue(`release-${environment}-${commit.slice(0, 12)}`);
}

function baseLabels(system: SystemAtCommit, platform: PlatformTarget, environment: string) {
  return {
    [labels.managedBy]: managedByValue,
    [labels.platform]: platform.name,
    [labels.system]: labelValue(system.name),
    [labels.environment]: environment,
  };
}

function components(system: SystemAtCommit) {
  return Object.entries(system.apps)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([app, { components }]) =>
      Object.entries(components)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([component, spec]) => ({ app, component, spec })),
    );
}

/** The objects of one version of a release. */
export function renderReleaseVersion(
  system: SystemAtCommit,
  platform: PlatformTarget,
  target: ReleaseTarget,
): RenderedRelease {
  const env = target.environment;
  const owner = versionOwner(env.name, system.commit);
  const objects: KubernetesObject[] = [];
  const problems: string[] = [];
  for (const { app, component, spec } of components(system)) {
    const selector = { [labels.owner]: owner, [labels.app]: app, [labels.component]: component };
    const ctx: WorkloadContext = {
      name: objectName(system.name, env.name, system.commit.slice(0, 12), app, component),
      namespace: platform.namespace,
      labels: {
        ...baseLabels(system, platform, env.name),
        [labels.commit]: system.commit,
        ...selector,
      },
      selector,
      ref: target.ref,
      component,
    };
    const resolved = resolveEnv(component, spec.env, env);
    // A release applies the environment fully: what it lacks is an error, not a warning.
    problems.push(...resolved.warnings.map((w) => `apps/${app}/app.yaml: ${w}`));
    objects.push(configMap(ctx, resolved), deployment(ctx, spec, resolved));
  }
  return { objects: objects.map(withDesiredHash), problems };
}

/** The environment's Services (pointing at `system.commit`'s pods) and its Ingress. */
export function renderReleaseFront(
  system: SystemAtCommit,
  platform: PlatformTarget,
  target: ReleaseTarget,
): RenderedRelease {
  const env = target.environment;
  const owner = versionOwner(env.name, system.commit);
  const objects: KubernetesObject[] = [];
  const problems: string[] = [];
  const rules = new Map<string, V1IngressRule>();
  for (const { app, component, spec } of components(system)) {
    const selector = { [labels.owner]: owner, [labels.app]: app, [labels.component]: component };
    const ctx: WorkloadContext = {
      name: objectName(system.name, env.name, app, component),
      namespace: platform.namespace,
      labels: {
        ...baseLabels(system, platform, env.name),
        [labels.owner]: labelValue(`front-${env.name}`),
        [labels.app]: app,
        [labels.component]: component,
      },
      selector,
      ref: target.ref,
      component,
    };
    const svc = service(ctx, spec);
    if (!svc) continue;
    // The Service's labels say which version it serves; its selector does the serving.
    svc.metadata!.labels = { ...ctx.labels, [labels.commit]: system.commit };
    objects.push(svc);
    const port = spec.ports[0]!.name;
    for (const route of spec.routes) {
      const parsed = parseRouteRule(route.rule);
      if (!parsed.ok) {
        problems.push(
          `apps/${app}/app.yaml: component ${component}: route ${route.rule}: ${parsed.message}`,
        );
        continue;
      }
      const hosts: string[] = [];
      for (const h of parsed.hosts) {
        const filled = fillTemplate(h, env.vars);
        if (filled.ok) hosts.push(filled.value);
        else
          problems.push(
            `apps/${app}/app.yaml: component ${component}: route ${route.rule}: environment ${env.name} has no ${filled.missing.join(", ")}`,
          );
      }
      const path = fillTemplate(parsed.path.value, env.vars);
      if (!path.ok) {
        problems.push(
          `apps/${app}/app.yaml: component ${component}: route ${route.rule}: environment ${env.name} has no ${path.missing.join(", ")}`,
        );
        continue;
      }
      for (const host of hosts.length > 0 ? hosts : target.hostNames) {
        const rule = rules.get(host) ?? { host, http: { paths: [] } };
        rule.http!.paths.push({
          path: path.value,
          pathType: parsed.path.type,
          backend: { service: { name: ctx.name, port: { name: port } } },
        });
        rules.set(host, rule);
      }
    }
  }
  if (rules.size > 0 && target.hostNames.length > 0) {
    const ingress: V1Ingress = {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: {
        name: objectName(system.name, env.name),
        namespace: platform.namespace,
        labels: {
          ...baseLabels(system, platform, env.name),
          [labels.owner]: labelValue(`front-${env.name}`),
          [labels.commit]: system.commit,
        },
        annotations: { "kubefox.io/ref": target.ref },
      },
      spec: {
        rules: [...rules.values()].sort((a, b) => (a.host ?? "").localeCompare(b.host ?? "")),
      },
    };
    objects.push(ingress);
  }
  return { objects: objects.map(withDesiredHash), problems };
}

/** The name of an environment's routing Secret. */
export function routingSecretName(environment: string): string {
  return objectName(environment, "routing");
}

/**
 * An environment's routing Secret holding these keys. Reconcile makes it once
 * with random keys; `render` shows it with placeholders and never applies it.
 */
export function routingSecret(
  platform: PlatformTarget,
  environment: string,
  keys: { public: string; private: string },
): V1Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: routingSecretName(environment),
      namespace: platform.namespace,
      labels: {
        [labels.managedBy]: managedByValue,
        [labels.platform]: platform.name,
        [labels.environment]: environment,
        [labels.owner]: "routing",
      },
    },
    type: "Opaque",
    stringData: { "public-api-key": keys.public, "private-api-key": keys.private },
  };
}
