// Fills a template's {{.Env.X}} and {{.Vars.X}} from an environment's vars.
// Secrets are never filled in: they become secretKeyRefs (see env.ts).
import { parseTemplate } from "../model/template.js";
import type { Scalar } from "./input.js";

export type Filled =
  { ok: true; value: string } | { ok: false; missing: string[]; message?: string };

export function fillTemplate(template: string, vars: Record<string, Scalar> | undefined): Filled {
  const parsed = parseTemplate(template);
  if (!parsed.ok) return { ok: false, missing: [], message: parsed.message };
  const missing = parsed.needs.filter(
    (v) => v.source === "Secrets" || vars?.[v.name] === undefined,
  );
  if (missing.length > 0)
    return { ok: false, missing: missing.map((v) => `{{.${v.source}.${v.name}}}`) };
  return {
    ok: true,
    value: parsed.parts
      .map((p) => ("text" in p ? p.text : String(vars![p.variable.name])))
      .join(""),
  };
}
