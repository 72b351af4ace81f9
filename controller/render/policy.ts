// The platform's policy (DESIGN §2): privileged containers, hostNetwork, hostPID
// and hostPath volumes are refused unless the platform allows them. Rendered
// components never ask for these; raw manifests can, in any kind with a pod spec.
// Each refusal carries the path of the field that asks, so that `validate`,
// `render` and `run` can all say on which line of which manifest (issue 15).
import type { KubernetesObject, V1PodSpec } from "@kubernetes/client-node";
import type { FieldPath, Issue } from "../model/issue.js";
import type { PlatformTarget } from "./input.js";

/** Where kinds keep their pod spec. */
function podSpecs(obj: KubernetesObject): { path: FieldPath; spec: V1PodSpec }[] {
  const o = obj as { spec?: Record<string, unknown> };
  const specs: { path: FieldPath; spec: unknown }[] = [];
  if (obj.kind === "Pod") specs.push({ path: ["spec"], spec: o.spec });
  const template = (o.spec?.template as { spec?: unknown } | undefined)?.spec;
  if (template) specs.push({ path: ["spec", "template", "spec"], spec: template });
  const job = (o.spec?.jobTemplate as { spec?: { template?: { spec?: unknown } } } | undefined)
    ?.spec?.template?.spec;
  if (job) specs.push({ path: ["spec", "jobTemplate", "spec", "template", "spec"], spec: job });
  return specs.filter((s): s is { path: FieldPath; spec: V1PodSpec } => isObject(s.spec));
}

/** Each thing the policy refuses in this object: a sentence, and the field that asks for it. */
export function policyIssues(obj: KubernetesObject, platform: PlatformTarget): Issue[] {
  const found: Issue[] = [];
  const what = `${obj.kind} ${obj.metadata?.name ?? ""}`.trim();
  const refuse = (path: FieldPath, message: string) =>
    found.push({
      path,
      message: `${what} ${message}, which platform ${platform.name} does not allow`,
      at: "key",
    });
  const { policy } = platform;
  for (const { path, spec } of podSpecs(obj)) {
    if (spec.hostNetwork && !policy.allowHostNetwork)
      refuse([...path, "hostNetwork"], "asks for hostNetwork");
    if (spec.hostPID && !policy.allowHostPID) refuse([...path, "hostPID"], "asks for hostPID");
    (spec.volumes ?? []).forEach((v, i) => {
      if (v.hostPath && !policy.allowHostPath)
        refuse(
          [...path, "volumes", i, "hostPath"],
          `mounts hostPath ${v.hostPath.path} (volume ${v.name})`,
        );
    });
    for (const list of ["initContainers", "containers", "ephemeralContainers"] as const) {
      (spec[list] ?? []).forEach((c, i) => {
        if (c.securityContext?.privileged && !policy.allowPrivileged)
          refuse(
            [...path, list, i, "securityContext", "privileged"],
            `runs container ${c.name} privileged`,
          );
      });
    }
  }
  return found;
}

/** Each thing the policy refuses in this object, as a sentence. */
export function policyViolations(obj: KubernetesObject, platform: PlatformTarget): string[] {
  return policyIssues(obj, platform).map((i) => i.message);
}

function isObject(value: unknown): boolean {
  return !!value && typeof value === "object";
}
