import { describe, expect, it } from "vitest";
import { parseTemplate } from "./template.js";

describe("parseTemplate", () => {
  it.each([
    ["plain text", [], [{ text: "plain text" }]],
    ["", [], []],
    [
      "hello from {{.Env.region}}!",
      ["Env.region"],
      [
        { text: "hello from " },
        { variable: { source: "Env", name: "region", offset: 11 } },
        { text: "!" },
      ],
    ],
    ["{{ .Vars.a }}{{.Secrets.b}}", ["Vars.a", "Secrets.b"], undefined],
    ["{{.Vars.a}}-{{.Vars.a}}", ["Vars.a"], undefined],
    ["a }} b", [], [{ text: "a }} b" }]],
    ["{{.Env.snake_case_1}}", ["Env.snake_case_1"], undefined],
  ])("%j reads %j", (template, needs, parts) => {
    const parsed = parseTemplate(template);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.needs.map((n) => `${n.source}.${n.name}`)).toEqual(needs);
    if (parts) expect(parsed.parts).toEqual(parts);
  });

  it.each([
    ["x {{.Env.region", 2, '"{{" is not closed by "}}"'],
    ["{{}}", 0, "{{}} is empty; write {{.Env.NAME}}, {{.Vars.NAME}} and {{.Secrets.NAME}}"],
    ["a{{.Foo.x}}", 1, "{{.Foo.x}}: .Foo is unknown; templates can read .Env, .Vars and .Secrets"],
    ["{{.Env}}", 0, "{{.Env}} needs a name, e.g. {{.Env.NAME}}"],
    ["{{- .Env.x -}}", 0, "whitespace trimming"],
    ["{{ .Env.x | upper }}", 0, "is not supported"],
    ['{{ printf "%s" .Env.x }}', 0, "is not supported"],
    ["{{.Env.1x}}", 0, "is not supported"],
    ["{{.Env.a.b}}", 0, "is not supported"],
    ["{{ {{.Env.x}}", 0, '"{{" opens again'],
  ])("%j fails at %i", (template, offset, message) => {
    const parsed = parseTemplate(template);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.offset).toBe(offset);
    expect(parsed.message).toContain(message);
  });
});
