// A component's environment variables: templates filled from the environment,
// plain values destined for its ConfigMap, secret references destined for
// secretKeyRef (never a value). An entry whose template needs what is not
// there is left out and named in a warning, never rendered half-filled.
import type { V1EnvVar } from "@kubernetes/client-node";
import { parseTemplate } from "../model/template.js";
import type { EnvironmentContext, Scalar } from "./input.js";

export interface ResolvedEnv {
  plain: Record<string, string>;
  secretEnv: V1EnvVar[];
  warnings: string[];
}

export function resolveEnv(
  component: string,
  env: Record<string, string>,
  environment: EnvironmentContext | undefined,
): ResolvedEnv {
  const plain: Record<string, string> = {};
  const secretEnv: V1EnvVar[] = [];
  const warnings: string[] = [];
  for (const [name, template] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    const parsed = parseTemplate(template);
    if (!parsed.ok) {
      warnings.push(`component ${component}: env ${name} left out: ${parsed.message}`);
      continue;
    }
    const secrets = parsed.needs.filter((v) => v.source === "Secrets");
    if (secrets.length > 0) {
      const ref = environment?.secrets[secrets[0]!.name];
      const whole = parsed.parts.length === 1 && secrets.length === 1;
      if (!environment) {
        warnings.push(
          `component ${component}: env ${name} left out: it needs secret ${secrets[0]!.name} and no environment gives one`,
        );
      } else if (!ref) {
        warnings.push(
          `component ${component}: env ${name} left out: config has no secret ${secrets[0]!.name}`,
        );
      } else if (!whole) {
        warnings.push(
          `component ${component}: env ${name} left out: a secret must be the whole value, not part of a template`,
        );
      } else {
        secretEnv.push({ name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } });
      }
      continue;
    }
    const missing = parsed.needs.filter((v) => environment?.vars[v.name] === undefined);
    if (missing.length > 0) {
      const names = missing.map((v) => `{{.${v.source}.${v.name}}}`).join(", ");
      warnings.push(
        environment
          ? `component ${component}: env ${name} left out: environment ${environment.name} has no ${names}`
          : `component ${component}: env ${name} left out: it needs ${names} and the deployment names no environment`,
      );
      continue;
    }
    plain[name] = parsed.parts
      .map((p) => ("text" in p ? p.text : stringify(environment!.vars[p.variable.name]!)))
      .join("");
  }
  for (const [name, value] of Object.entries(environment?.componentVars[component] ?? {})) {
    // The config is per environment: its value wins over the app's default.
    plain[name] = stringify(value);
  }
  return { plain, secretEnv, warnings };
}

export function stringify(value: Scalar): string {
  return typeof value === "string" ? value : String(value);
}
