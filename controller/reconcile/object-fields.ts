// Reading fields of any Kubernetes object as it comes from the API server (JSON
// of any kind): a number, string or flag at a dotted path, with a default when it
// is absent or of another type, and its status conditions.
import type { KubernetesObject } from "@kubernetes/client-node";

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

function at(obj: KubernetesObject, path: string): unknown {
  let value: unknown = obj;
  for (const key of path.split(".")) {
    if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function has(obj: KubernetesObject, path: string): boolean {
  return typeof at(obj, path) === "number";
}

export function num(obj: KubernetesObject, path: string, otherwise: number): number {
  const value = at(obj, path);
  return typeof value === "number" && Number.isInteger(value) ? value : otherwise;
}

export function str(obj: KubernetesObject, path: string, otherwise: string): string {
  const value = at(obj, path);
  return typeof value === "string" ? value : otherwise;
}

export function flag(obj: KubernetesObject, path: string, otherwise: boolean): boolean {
  const value = at(obj, path);
  return typeof value === "boolean" ? value : otherwise;
}

export function list(obj: KubernetesObject, path: string): unknown[] {
  const value = at(obj, path);
  return Array.isArray(value) ? value : [];
}

/** `status.conditions`, skipping entries without a type. */
export function conditions(obj: KubernetesObject): Condition[] {
  return list(obj, "status.conditions").flatMap((c) => {
    if (!c || typeof c !== "object") return [];
    const { type, status, reason, message } = c as Record<string, unknown>;
    if (typeof type !== "string") return [];
    return [
      {
        type,
        status: typeof status === "string" ? status : "",
        ...(typeof reason === "string" ? { reason } : {}),
        ...(typeof message === "string" ? { message } : {}),
      },
    ];
  });
}

export function condition(
  obj: KubernetesObject,
  type: string,
  status?: string,
): Condition | undefined {
  return conditions(obj).find(
    (c) => c.type === type && (status === undefined || c.status === status),
  );
}
