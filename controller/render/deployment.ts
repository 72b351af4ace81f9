// A deployment ("run system S at ref R on platform P") as Kubernetes objects:
// per component a ConfigMap, a Deployment and a Service when it has ports, plus
// the raw manifests of that ref, all labelled and annotated per DESIGN §3.
// Pure: the same input always gives the same objects.
import type { KubernetesObject } from "@kubernetes/client-node";
import { desiredHash } from "../cluster/drift.js";
import { annotations, labels, managedByValue } from "../cluster/labels.js";
import { resolveEnv } from "./env.js";
import type { EnvironmentContext, PlatformTarget, SystemAtCommit } from "./input.js";
import { labelValue, objectName, refSlug } from "./names.js";
import { policyViolations } from "./policy.js";
import { configMap, deployment, service, type WorkloadContext } from "./workload.js";

export interface DeploymentTarget {
  ref: string;
  environment?: EnvironmentContext;
}

export interface Rendered {
  objects: KubernetesObject[];
  /** Env entries left out, and similar: the deployment still runs. */
  warnings: string[];
  /** What the platform's policy refuses: nothing of the deployment is applied. */
  refusals: string[];
}

/** The value of the owner label that ties objects to one deployment of a platform. */
export function deploymentOwner(ref: string): string {
  return labelValue(`deploy-${refSlug(ref)}`);
}

export function renderDeployment(
  system: SystemAtCommit,
  platform: PlatformTarget,
  target: DeploymentTarget,
): Rendered {
  const owner = deploymentOwner(target.ref);
  const common = {
    [labels.managedBy]: managedByValue,
    [labels.platform]: platform.name,
    [labels.system]: labelValue(system.name),
    [labels.commit]: system.commit,
    [labels.owner]: owner,
  };
  const objects: KubernetesObject[] = [];
  const warnings: string[] = [];
  const refusals: string[] = [];

  for (const [app, { components }] of Object.entries(system.apps).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    for (const [component, spec] of Object.entries(components).sort(([a], [b]) =>
      a.localeCompare(b),
    )) {
      const selector = { [labels.owner]: owner, [labels.app]: app, [labels.component]: component };
      const ctx: WorkloadContext = {
        name: objectName(system.name, refSlug(target.ref), app, component),
        namespace: platform.namespace,
        labels: { ...common, ...selector },
        selector,
        ref: target.ref,
        component,
      };
      const env = resolveEnv(component, spec.env, target.environment);
      warnings.push(...env.warnings.map((w) => `app ${app}: ${w}`));
      objects.push(configMap(ctx, env), deployment(ctx, spec, env));
      const svc = service(ctx, spec);
      if (svc) objects.push(svc);
    }
  }

  for (const { file, object } of system.manifests) {
    const obj = structuredClone(object) as KubernetesObject;
    const meta = (obj.metadata ??= {});
    if (meta.namespace && meta.namespace !== platform.namespace) {
      refusals.push(
        `${file}: ${obj.kind} ${meta.name} is in namespace ${meta.namespace}; everything of platform ${platform.name} lives in ${platform.namespace}`,
      );
      continue;
    }
    // Cluster-scoped kinds lose this again when applied (the apply step asks discovery).
    meta.namespace = platform.namespace;
    meta.labels = { ...meta.labels, ...common };
    meta.annotations = { ...meta.annotations, [annotations.ref]: target.ref };
    refusals.push(...policyViolations(obj, platform).map((v) => `${file}: ${v}`));
    objects.push(obj);
  }

  return { objects: objects.map(withDesiredHash), warnings, refusals };
}

/** Stamps the object with the hash of itself, so a later sync can tell whether Git changed it. */
export function withDesiredHash<T extends KubernetesObject>(obj: T): T {
  const hash = desiredHash(obj);
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      annotations: { ...obj.metadata?.annotations, [annotations.desiredHash]: hash },
    },
  };
}
