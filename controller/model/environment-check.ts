// "A variable that a template needs and the environment lacks is a validation
// error naming the file, the component and the variable" (issue 5). Templates
// are in component env values and in the hosts and paths of route rules;
// {{.Env.X}} and {{.Vars.X}} read the environment's vars, {{.Secrets.X}} its
// config's secrets. Each missing variable is reported once per template, at
// the variable, the way a template that does not parse is.
import type { AppDoc } from "../../schemas/app.js";
import type { Problem } from "../errors.js";
import type { FieldPath } from "./issue.js";
import { appFile, type LocatedApps } from "./load-system.js";
import { parseRouteRule } from "./route-rule.js";
import { parseTemplate, type TemplateVariable } from "./template.js";

/** What templates may read of one environment. */
export interface EnvironmentValues {
  name: string;
  /** Its vars, inheritance resolved. */
  vars: Readonly<Record<string, string | number | boolean>>;
  /** The config it names; absent when it names none. For messages only. */
  config?: string;
  /**
   * Its config's secrets by template name: {} when it names no config.
   * Absent when its config could not be read (that file's own problems say
   * why): secrets are then not checked, rather than all reported missing.
   */
  secrets?: Readonly<Record<string, unknown>>;
}

export function checkSystemAgainstEnvironment(
  model: LocatedApps,
  env: EnvironmentValues,
): Problem[] {
  return Object.entries(model.apps).flatMap(([appName, app]) =>
    templatesOf(app).flatMap(({ path, what, needs }) =>
      needs.flatMap((v) => {
        const lacks = lacking(v, env);
        return lacks ? [model.locate(appFile(appName), path, `${what} ${lacks}`, v.offset)] : [];
      }),
    ),
  );
}

interface Template {
  /** Where the template is in the app's file. */
  path: FieldPath;
  /** What a message calls it: `component web: env REGION`. */
  what: string;
  /** The variables it reads, offsets into the string at `path`. */
  needs: readonly TemplateVariable[];
}

/** Every template of an app's components. One that does not parse was reported on loading. */
function templatesOf(app: AppDoc): Template[] {
  const templates: Template[] = [];
  for (const [name, component] of Object.entries(app.spec.components)) {
    const at = ["spec", "components", name];
    for (const [key, value] of Object.entries(component.env)) {
      const parsed = parseTemplate(value);
      if (!parsed.ok) continue;
      templates.push({
        path: [...at, "env", key],
        what: `component ${name}: env ${key}`,
        needs: parsed.needs,
      });
    }
    component.routes.forEach(({ rule }, i) => {
      const parsed = parseRouteRule(rule);
      if (!parsed.ok) return;
      templates.push({
        path: [...at, "routes", i, "rule"],
        what: `component ${name}: route ${rule}:`,
        needs: parsed.needs,
      });
    });
  }
  return templates;
}

/** What the message says after the template's name, when `env` lacks what `v` reads. */
function lacking(v: TemplateVariable, env: EnvironmentValues): string | undefined {
  const shown = `needs {{.${v.source}.${v.name}}}`;
  if (v.source !== "Secrets") {
    if (Object.hasOwn(env.vars, v.name)) return undefined;
    return `${shown}, which environment ${env.name} does not define`;
  }
  if (env.secrets === undefined || Object.hasOwn(env.secrets, v.name)) return undefined;
  if (env.config === undefined) {
    return `${shown}, but environment ${env.name} names no config to take secrets from`;
  }
  return `${shown}, which config ${env.config} (of environment ${env.name}) does not define`;
}
