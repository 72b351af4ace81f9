// The environments the platforms use (every release's, and every deployment's
// that names one), each once however many platforms name it, with what its
// templates may read. One that cannot be resolved (it is missing, invalid, or
// inherits in a loop) is left out: the control files' own problems say why.
import type { EnvironmentValues } from "./environment-check.js";
import { resolveVars } from "./inherit.js";
import type { ControlModel } from "./load-control.js";

export function environmentsInUse(control: ControlModel): EnvironmentValues[] {
  const names = new Set<string>();
  for (const platform of Object.values(control.platforms)) {
    for (const release of platform.spec.releases) names.add(release.environment);
    for (const deployment of platform.spec.deployments) {
      if (deployment.environment !== undefined) names.add(deployment.environment);
    }
  }
  return [...names].sort().flatMap((name): EnvironmentValues[] => {
    const env = Object.hasOwn(control.environments, name) ? control.environments[name] : undefined;
    const vars = resolveVars(control.environments, name);
    if (!env || !vars.ok) return [];
    const configName = env.spec.config;
    if (configName === undefined) return [{ name, vars: vars.value, secrets: {} }];
    const config = Object.hasOwn(control.configs, configName)
      ? control.configs[configName]
      : undefined;
    return [{ name, vars: vars.value, config: configName, secrets: config?.spec.secrets }];
  });
}
