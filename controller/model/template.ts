// Templates in env values and route rules (DESIGN §2): `{{.Env.X}}` and
// `{{.Vars.X}}` take the environment's vars, `{{.Secrets.X}}` its config's
// secret references. This is the whole language: no pipelines, functions or
// conditionals, so a template is text and variables, and nothing can run.

export type TemplateSource = "Env" | "Vars" | "Secrets";

export interface TemplateVariable {
  source: TemplateSource;
  name: string;
  /** Where `{{` starts in the template, for messages. */
  offset: number;
}

export type TemplatePart = { text: string } | { variable: TemplateVariable };

export type ParsedTemplate =
  | {
      ok: true;
      parts: TemplatePart[];
      /** Every variable the template reads, in order, each once. */
      needs: TemplateVariable[];
    }
  | { ok: false; message: string; offset: number };

const action = /^\s*\.(Env|Vars|Secrets)\.([A-Za-z_][A-Za-z0-9_]*)\s*$/;
const supported = "{{.Env.NAME}}, {{.Vars.NAME}} and {{.Secrets.NAME}}";

export function parseTemplate(template: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const needs: TemplateVariable[] = [];
  let at = 0;
  while (at < template.length) {
    const open = template.indexOf("{{", at);
    if (open === -1) break;
    if (open > at) parts.push({ text: template.slice(at, open) });
    const close = template.indexOf("}}", open + 2);
    if (close === -1) return { ok: false, offset: open, message: `"{{" is not closed by "}}"` };
    const inside = template.slice(open + 2, close);
    const match = action.exec(inside);
    if (!match) return { ok: false, offset: open, message: explain(inside) };
    const variable = { source: match[1] as TemplateSource, name: match[2]!, offset: open };
    parts.push({ variable });
    if (!needs.some((n) => n.source === variable.source && n.name === variable.name)) {
      needs.push(variable);
    }
    at = close + 2;
  }
  if (at < template.length) parts.push({ text: template.slice(at) });
  return { ok: true, parts, needs };
}

/** Why `{{inside}}` is not a template we read, in words that point to the fix. */
function explain(inside: string): string {
  const shown = `{{${inside}}}`;
  const trimmed = inside.trim();
  if (trimmed === "") return `${shown} is empty; write ${supported}`;
  if (inside.includes("{{")) return `"{{" opens again before "}}" closes it`;
  if (trimmed.startsWith("-") || trimmed.endsWith("-")) {
    return `${shown}: whitespace trimming ("{{-" and "-}}") is not supported; write ${supported}`;
  }
  const root = /^\.([A-Za-z_][A-Za-z0-9_]*)/.exec(trimmed);
  if (root && !["Env", "Vars", "Secrets"].includes(root[1]!)) {
    return `${shown}: .${root[1]} is unknown; templates can read .Env, .Vars and .Secrets`;
  }
  if (root && /^\.\w+\s*$/.test(trimmed)) return `${shown} needs a name, e.g. {{.${root[1]}.NAME}}`;
  return `${shown} is not supported; templates are ${supported}`;
}
