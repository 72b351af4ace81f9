// What a schema cannot say about a component: names that must be unique,
// probes that name a port, templates and route rules that must parse, and
// requests that must not exceed limits. Each finding points at its field.
import type { Component } from "../../schemas/component.js";
import { formatPath, isRecord, valueAt } from "./field-path.js";
import type { FieldPath, Issue } from "./issue.js";
import { parseQuantity } from "./quantity.js";
import { parseRouteRule } from "./route-rule.js";
import { parseTemplate } from "./template.js";
import { validateComponent } from "./validators.js";

/**
 * Checks every component that passes its own schema, even when another part of
 * the app does not, so a file's problems are reported together.
 */
export function checkApp(data: unknown): Issue[] {
  const components = valueAt(data, ["spec", "components"]);
  if (!isRecord(components)) return [];
  return Object.entries(components).flatMap(([name, component]) => {
    const checked = validateComponent(component);
    return checked.ok ? checkComponent(["spec", "components", name], checked.value) : [];
  });
}

export function checkComponent(at: FieldPath, component: Component): Issue[] {
  return [
    ...uniquePorts(at, component),
    ...probePorts(at, component),
    ...envTemplates(at, component),
    ...routeRules(at, component),
    ...uniqueMountPaths(at, component),
    ...requestsWithinLimits(at, component),
  ];
}

function uniquePorts(at: FieldPath, { ports }: Component): Issue[] {
  return [
    ...duplicates(
      ports,
      (p) => p.name,
      (i, p) => ({
        path: [...at, "ports", i, "name"],
        message: `port name "${p.name}" is used twice in ${formatPath(at)}.ports`,
      }),
    ),
    ...duplicates(
      ports,
      (p) => `${p.containerPort}/${p.protocol}`,
      (i, p) => ({
        path: [...at, "ports", i, "containerPort"],
        message: `containerPort ${p.containerPort}/${p.protocol} is listed twice in ${formatPath(at)}.ports`,
      }),
    ),
    ...duplicates(
      ports.filter((p) => p.nodePort !== undefined),
      (p) => String(p.nodePort),
      (_, p) => ({
        path: [...at, "ports", ports.indexOf(p), "nodePort"],
        message: `nodePort ${p.nodePort} is used twice in ${formatPath(at)}.ports`,
      }),
    ),
  ];
}

function probePorts(at: FieldPath, component: Component): Issue[] {
  const names = [...new Set(component.ports.map((p) => p.name))];
  const issues: Issue[] = [];
  for (const probeName of ["readinessProbe", "livenessProbe"] as const) {
    const probe = component[probeName];
    if (!probe) continue;
    for (const handler of ["httpGet", "tcpSocket"] as const) {
      const port = probe[handler]?.port;
      if (typeof port !== "string" || names.includes(port)) continue;
      const declared = names.length > 0 ? `ports: ${names.join(", ")}` : "it declares no ports";
      issues.push({
        path: [...at, probeName, handler, "port"],
        message: `${formatPath(at)}.${probeName}.${handler}.port names port "${port}", which ${formatPath(at)} does not declare (${declared})`,
      });
    }
  }
  return issues;
}

function envTemplates(at: FieldPath, { env }: Component): Issue[] {
  const issues: Issue[] = [];
  for (const [name, value] of Object.entries(env)) {
    const path = [...at, "env", name];
    const parsed = parseTemplate(value);
    if (!parsed.ok) {
      issues.push({
        path,
        offset: parsed.offset,
        message: `${formatPath(path)}: ${parsed.message}`,
      });
      continue;
    }
    // A secret becomes a secretKeyRef: Kubernetes cannot splice it into other text.
    const secret = parsed.needs.find((v) => v.source === "Secrets");
    if (secret && parsed.parts.length > 1) {
      issues.push({
        path,
        offset: secret.offset,
        message: `${formatPath(path)}: {{.Secrets.${secret.name}}} must be the whole value, since it becomes a secretKeyRef`,
      });
    }
  }
  return issues;
}

function routeRules(at: FieldPath, { routes, ports }: Component): Issue[] {
  const issues: Issue[] = [];
  routes.forEach((route, i) => {
    const parsed = parseRouteRule(route.rule);
    if (!parsed.ok) {
      issues.push({
        path: [...at, "routes", i, "rule"],
        offset: parsed.offset,
        message: `${formatPath(at)}.routes[${i}].rule: ${parsed.message}`,
      });
    }
  });
  if (routes.length > 0 && ports.length === 0) {
    issues.push({
      path: [...at, "routes"],
      message: `${formatPath(at)} has routes but no ports to send their traffic to`,
    });
  }
  return issues;
}

function uniqueMountPaths(at: FieldPath, { mounts }: Component): Issue[] {
  return duplicates(
    mounts,
    (m) => m.mountPath,
    (i, m) => ({
      path: [...at, "mounts", i, "mountPath"],
      message: `mountPath ${m.mountPath} is used twice in ${formatPath(at)}.mounts`,
    }),
  );
}

function requestsWithinLimits(at: FieldPath, { resources }: Component): Issue[] {
  const issues: Issue[] = [];
  for (const resource of ["cpu", "memory"] as const) {
    const request = resources?.requests?.[resource];
    const limit = resources?.limits?.[resource];
    if (request === undefined || limit === undefined) continue;
    const [r, l] = [parseQuantity(request), parseQuantity(limit)];
    if (r !== undefined && l !== undefined && r > l) {
      issues.push({
        path: [...at, "resources", "requests", resource],
        message: `${formatPath(at)}.resources.requests.${resource} (${request}) is more than its limit (${limit}); Kubernetes refuses that`,
      });
    }
  }
  return issues;
}

/** An issue for every entry whose key an earlier entry already had. */
function duplicates<T>(
  items: readonly T[],
  key: (item: T) => string,
  issue: (index: number, item: T) => Issue,
): Issue[] {
  const seen = new Set<string>();
  const issues: Issue[] = [];
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) issues.push(issue(i, item));
    seen.add(k);
  });
  return issues;
}
