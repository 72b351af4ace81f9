// The platform's policy (DESIGN §2): privileged containers, hostNetwork, hostPID
// and hostPath volumes are refused unless the platform allows them. Rendered
// components never ask for these; raw manifests can, in any kind with a pod spec.
import type { KubernetesObject, V1PodSpec } from "@kubernetes/client-node";
import type { PlatformTarget } from "./input.js";

/** Where kinds keep their pod spec. */
function podSpecs(obj: KubernetesObject): V1PodSpec[] {
  const o = obj as { spec?: Record<string, unknown> };
  const specs: unknown[] = [];
  if (obj.kind === "Pod") specs.push(o.spec);
  const template = (o.spec?.template as { spec?: unknown } | undefined)?.spec;
  if (template) specs.push(template);
  const job = (o.spec?.jobTemplate as { spec?: { template?: { spec?: unknown } } } | undefined)
    ?.spec?.template?.spec;
  if (job) specs.push(job);
  return specs.filter((s): s is V1PodSpec => !!s && typeof s === "object");
}

/** Each thing the policy refuses in this object, as a sentence. */
export function policyViolations(obj: KubernetesObject, platform: PlatformTarget): string[] {
  const found: string[] = [];
  const what = `${obj.kind} ${obj.metadata?.name ?? ""}`.trim();
  const { policy } = platform;
  for (const spec of podSpecs(obj)) {
    if (spec.hostNetwork && !policy.allowHostNetwork) found.push(`${what} asks for hostNetwork`);
    if (spec.hostPID && !policy.allowHostPID) found.push(`${what} asks for hostPID`);
    for (const v of spec.volumes ?? []) {
      if (v.hostPath && !policy.allowHostPath)
        found.push(`${what} mounts hostPath ${v.hostPath.path} (volume ${v.name})`);
    }
    for (const c of [
      ...(spec.initContainers ?? []),
      ...spec.containers,
      ...(spec.ephemeralContainers ?? []),
    ]) {
      if (c.securityContext?.privileged && !policy.allowPrivileged) {
        found.push(`${what} runs container ${c.name} privileged`);
      }
    }
  }
  return found.map((f) => `${f}, which platform ${platform.name} does not allow`);
}
