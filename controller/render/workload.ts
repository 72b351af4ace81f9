// A component as Kubernetes objects: a ConfigMap of its plain variables, a
// Deployment, and a Service when it has ports (DESIGN §3). Pure builders.
import { createHash } from "node:crypto";
import type {
  V1ConfigMap,
  V1Container,
  V1Deployment,
  V1PodTemplateSpec,
  V1Probe,
  V1Service,
  V1Volume,
  V1VolumeMount,
} from "@kubernetes/client-node";
import type { Component, Probe } from "../../schemas/component.js";
import { canonicalJson, contentHash } from "../cluster/drift.js";
import { annotations, labels } from "../cluster/labels.js";
import type { ResolvedEnv } from "./env.js";
import { objectName } from "./names.js";

export interface WorkloadContext {
  name: string;
  namespace: string;
  /** Every label of the objects. */
  labels: Record<string, string>;
  /** The labels that pick this component's pods: stable across commits. */
  selector: Record<string, string>;
  ref: string;
  component: string;
}

export function configMap(ctx: WorkloadContext, env: ResolvedEnv): V1ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta(ctx),
    data: env.plain,
  };
}

export function deployment(ctx: WorkloadContext, c: Component, env: ResolvedEnv): V1Deployment {
  const { volumes, volumeMounts } = mounts(c);
  const container: V1Container = {
    name: ctx.component,
    image: c.image,
    ...(c.command ? { command: c.command } : {}),
    ...(c.args ? { args: c.args } : {}),
    ...(c.ports.length > 0
      ? {
          ports: c.ports.map((p) => ({
            name: p.name,
            containerPort: p.containerPort,
            protocol: p.protocol ?? "TCP",
          })),
        }
      : {}),
    envFrom: [{ configMapRef: { name: ctx.name } }],
    ...(env.secretEnv.length > 0 ? { env: env.secretEnv } : {}),
    ...(c.readinessProbe ? { readinessProbe: probe(c.readinessProbe) } : {}),
    ...(c.livenessProbe ? { livenessProbe: probe(c.livenessProbe) } : {}),
    ...(c.resources ? { resources: resources(c.resources) } : {}),
    ...(volumeMounts.length > 0 ? { volumeMounts } : {}),
  };
  const template: V1PodTemplateSpec = {
    metadata: {
      labels: ctx.labels,
      annotations: {
        [annotations.ref]: ctx.ref,
        // Pods roll when their variables change, as they would for an image.
        "kubefox.io/config-hash": hash(canonicalJson(env.plain)),
      },
    },
    spec: {
      containers: [container],
      ...(volumes.length > 0 ? { volumes } : {}),
      ...(c.serviceAccountName ? { serviceAccountName: c.serviceAccountName } : {}),
    },
  };
  const metadata = meta(ctx);
  metadata.annotations[annotations.templateHash] = templateHash(template);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata,
    spec: { replicas: c.replicas, selector: { matchLabels: ctx.selector }, template },
  };
}

/** What the pods run, without the commit they came from: equal hashes, no rollout. */
export function templateHash(template: V1PodTemplateSpec): string {
  const { [labels.commit]: _commit, ...rest } = template.metadata?.labels ?? {};
  return contentHash({ ...template, metadata: { ...template.metadata, labels: rest } });
}

export function service(ctx: WorkloadContext, c: Component): V1Service | undefined {
  if (c.ports.length === 0) return undefined;
  const nodePort = c.ports.some((p) => p.nodePort !== undefined);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(ctx),
    spec: {
      type: nodePort ? "NodePort" : "ClusterIP",
      selector: ctx.selector,
      ports: c.ports.map((p) => ({
        name: p.name,
        port: p.containerPort,
        targetPort: p.name,
        protocol: p.protocol ?? "TCP",
        ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}),
      })),
    },
  };
}

function meta(ctx: WorkloadContext) {
  return {
    name: ctx.name,
    namespace: ctx.namespace,
    labels: ctx.labels,
    annotations: { [annotations.ref]: ctx.ref } as Record<string, string>,
  };
}

function probe(p: Probe): V1Probe {
  // The schema's probe shape is Kubernetes' own, field for field.
  return structuredClone(p) as V1Probe;
}

function resources(r: NonNullable<Component["resources"]>) {
  const list = (l: { cpu?: string | number; memory?: string | number } | undefined) =>
    l
      ? Object.fromEntries(
          Object.entries(l)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => [k, String(v)]),
        )
      : undefined;
  const requests = list(r.requests);
  const limits = list(r.limits);
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}

function mounts(c: Component): { volumes: V1Volume[]; volumeMounts: V1VolumeMount[] } {
  const volumes = new Map<string, V1Volume>();
  const volumeMounts: V1VolumeMount[] = [];
  for (const m of c.mounts) {
    const source = m.configMap
      ? { configMap: { name: m.configMap } }
      : { secret: { secretName: m.secret! } };
    const name = objectName(m.configMap ? "cm" : "secret", (m.configMap ?? m.secret)!);
    volumes.set(name, { name, ...source });
    volumeMounts.push({
      name,
      mountPath: m.mountPath,
      ...(m.subPath ? { subPath: m.subPath } : {}),
      ...(m.readOnly !== undefined ? { readOnly: m.readOnly } : {}),
    });
  }
  return { volumes: [...volumes.values()], volumeMounts };
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}
