// References between the control branch's files: an environment's config and
// the environment it inherits from exist (and inheritance does not loop); a
// platform's deployments and releases name environments that exist; no two
// platforms share a namespace on one cluster. These read every document that
// parsed, valid or not, so they are reported together with schema problems.
import type { Problem } from "../errors.js";
import { stringAt, valueAt } from "./field-path.js";
import { inheritanceChain, type Inheriting } from "./inherit.js";
import type { ParsedDocument } from "./yaml-document.js";

export interface ControlFiles {
  /** Every environment and platform file that parsed as one document, by name. */
  environments: ReadonlyMap<string, ParsedDocument>;
  platforms: ReadonlyMap<string, ParsedDocument>;
  /**
   * Names of the files present, readable or not. A reference to a file that is
   * there but broken is not reported again: that file's problems say what is wrong.
   */
  present: { environments: ReadonlySet<string>; configs: ReadonlySet<string> };
}

export function checkControlRefs(files: ControlFiles): Problem[] {
  return [...environmentRefs(files), ...platformRefs(files), ...sharedNamespaces(files)];
}

function environmentRefs({ environments, present }: ControlFiles): Problem[] {
  const problems: Problem[] = [];
  const inheriting: Record<string, Inheriting> = {};
  for (const [name, source] of environments) {
    inheriting[name] = {
      spec: { inherits: stringAt(source.data, ["spec", "inherits"]), vars: {} },
    };
  }
  for (const [name, source] of environments) {
    const config = stringAt(source.data, ["spec", "config"]);
    if (config !== undefined && !present.configs.has(config)) {
      problems.push(
        source.locate({ path: ["spec", "config"], message: missing("config", config, "configs") }),
      );
    }
    const inherits = inheriting[name]!.spec.inherits;
    if (inherits === undefined) continue;
    if (!present.environments.has(inherits)) {
      problems.push(
        source.locate({
          path: ["spec", "inherits"],
          message: missing("environment", inherits, "environments"),
        }),
      );
      continue;
    }
    // Each environment in a loop reports it; one that merely inherits from a loop does not.
    const chain = inheritanceChain(inheriting, name);
    if (!chain.ok && chain.cycle?.includes(name)) {
      problems.push(source.locate({ path: ["spec", "inherits"], message: chain.message }));
    }
  }
  return problems;
}

function platformRefs({ platforms, present }: ControlFiles): Problem[] {
  const problems: Problem[] = [];
  for (const source of platforms.values()) {
    for (const list of ["deployments", "releases"] as const) {
      const items = valueAt(source.data, ["spec", list]);
      if (!Array.isArray(items)) continue;
      items.forEach((_, i) => {
        const env = stringAt(items, [i, "environment"]);
        if (env === undefined || present.environments.has(env)) return;
        problems.push(
          source.locate({
            path: ["spec", list, i, "environment"],
            message: missing("environment", env, "environments"),
          }),
        );
      });
    }
  }
  return problems;
}

function missing(kind: string, name: string, dir: string): string {
  return `${kind} ${name} does not exist (there is no ${dir}/${name}.yaml)`;
}

/** Two platforms in one namespace of one cluster would render over and prune each other's objects. */
function sharedNamespaces({ platforms }: ControlFiles): Problem[] {
  const owners = new Map<string, string>();
  const problems: Problem[] = [];
  for (const [name, source] of platforms) {
    const namespace = stringAt(source.data, ["spec", "namespace"]);
    if (namespace === undefined) continue;
    const context = stringAt(source.data, ["spec", "cluster", "context"]);
    const key = `${context ?? ""}\n${namespace}`;
    const owner = owners.get(key);
    if (owner === undefined) owners.set(key, name);
    else {
      const cluster = context === undefined ? "the default cluster" : `cluster context ${context}`;
      problems.push(
        source.locate({
          path: ["spec", "namespace"],
          message: `namespace ${namespace} on ${cluster} is already platform ${owner}'s; each platform needs its own`,
        }),
      );
    }
  }
  return problems;
}
