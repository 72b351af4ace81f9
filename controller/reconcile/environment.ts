// An environment as rendering sees it: its vars with inheritance resolved, and
// its config's secret references and per-component vars.
import { RefNotFoundError, ValidationError } from "../errors.js";
import type { ControlModel } from "../model/load-control.js";
import { resolveVars } from "../model/inherit.js";
import { checkSystemAgainstEnvironment } from "../model/environment-check.js";
import type { SystemModel } from "../model/load-system.js";
import type { EnvironmentContext } from "../render/input.js";

export function environmentContext(control: ControlModel, name: string): EnvironmentContext {
  const env = control.environments[name];
  if (!env)
    throw new RefNotFoundError(
      `environment/${name}`,
      `no environments/${name}.yaml on the control branch`,
    );
  const vars = resolveVars(control.environments, name);
  if (!vars.ok) {
    throw new ValidationError([
      { file: `environments/${name}.yaml`, line: 1, col: 1, message: vars.message },
    ]);
  }
  const config = env.spec.config ? control.configs[env.spec.config] : undefined;
  if (env.spec.config && !config) {
    throw new ValidationError([
      {
        file: `environments/${name}.yaml`,
        line: 1,
        col: 1,
        message: `config ${env.spec.config} does not exist (no configs/${env.spec.config}.yaml)`,
      },
    ]);
  }
  return {
    name,
    ...(env.spec.config ? { config: env.spec.config } : {}),
    vars: vars.value,
    secrets: Object.fromEntries(
      Object.entries(config?.spec.secrets ?? {}).map(([k, v]) => [k, v.secretRef]),
    ),
    componentVars: Object.fromEntries(
      Object.entries(config?.spec.components ?? {}).map(([c, v]) => [c, v.vars]),
    ),
  };
}

/**
 * Every variable the system's templates need and the environment lacks, as a
 * validation error at the template's line and column (issue: Releases).
 */
export function requireEnvironment(model: SystemModel, environment: EnvironmentContext): void {
  const problems = checkSystemAgainstEnvironment(model, environment);
  if (problems.length > 0) throw new ValidationError(problems);
}
