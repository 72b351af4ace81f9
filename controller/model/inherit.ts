// Environment inheritance (DESIGN §2): `inherits: base` starts from base's vars
// (and base's base ...) and overrides them key by key. Only vars are inherited;
// hosts, config and release policy are each environment's own.
import type { Vars } from "../../schemas/environment.js";

/** The part of an environment inheritance reads. */
export interface Inheriting {
  spec: { inherits?: string; vars: Vars };
}

export type Resolved<T> =
  | { ok: true; value: T }
  /** `cycle` lists the environments in the loop, when that is what went wrong. */
  | { ok: false; message: string; cycle?: string[] };

/** `name`, then what it inherits from, and so on to an environment that inherits nothing. */
export function inheritanceChain(
  environments: Readonly<Record<string, Inheriting>>,
  name: string,
): Resolved<string[]> {
  const chain: string[] = [];
  let next: string | undefined = name;
  while (next !== undefined) {
    if (chain.includes(next)) {
      const cycle = chain.slice(chain.indexOf(next));
      return { ok: false, message: `inheritance cycle: ${[...cycle, next].join(" → ")}`, cycle };
    }
    const env: Inheriting | undefined = Object.hasOwn(environments, next)
      ? environments[next]
      : undefined;
    if (!env) {
      const who = chain.length === 0 ? "" : ` (inherited by ${chain[chain.length - 1]})`;
      return { ok: false, message: `environment ${next}${who} does not exist` };
    }
    chain.push(next);
    next = env.spec.inherits;
  }
  return { ok: true, value: chain };
}

/** The vars an environment sees: its ancestors' first, its own on top, key by key. */
export function resolveVars(
  environments: Readonly<Record<string, Inheriting>>,
  name: string,
): Resolved<Vars> {
  const chain = inheritanceChain(environments, name);
  if (!chain.ok) return chain;
  const vars: Vars = {};
  for (const env of chain.value.reverse()) Object.assign(vars, environments[env]!.spec.vars);
  return { ok: true, value: vars };
}
