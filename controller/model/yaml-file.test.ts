import { describe, expect, it } from "vitest";
import { formatProblem } from "../errors.js";
import { parseYamlFile } from "./yaml-file.js";

const parse = (text: string | Uint8Array) =>
  parseYamlFile("f.yaml", typeof text === "string" ? Buffer.from(text) : text);

const problems = (text: string | Uint8Array) => parse(text).problems.map(formatProblem);

function aliasBomb(levels: number): string {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < levels; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`);
  }
  return lines.join("\n");
}

describe("parseYamlFile", () => {
  it("reads documents as plain data", () => {
    const { documents, problems } = parse("a: 1\nb: [x, 'y']\n---\nc: {d: true}\n");
    expect(problems).toEqual([]);
    expect(documents.map((d) => d.data)).toEqual([{ a: 1, b: ["x", "y"] }, { c: { d: true } }]);
  });

  it("reads YAML 1.2: yes, no, on and off are strings", () => {
    expect(parse("a: yes\nb: off\nc: 0o17\n").documents[0]!.data).toEqual({
      a: "yes",
      b: "off",
      c: 15,
    });
  });

  it("reads JSON, which is YAML, with positions", () => {
    const { documents, problems } = parse('{\n  "a": 1,\n  "b": [1, 2]\n}\n');
    expect(problems).toEqual([]);
    expect(documents[0]!.locate({ path: ["b", 1], message: "m" })).toMatchObject({
      line: 3,
      col: 12,
    });
  });

  it("skips empty documents and documents that are only comments", () => {
    expect(parse("---\n# nothing\n---\na: 1\n---\n").documents.map((d) => d.data)).toEqual([
      { a: 1 },
    ]);
    expect(parse("").documents).toEqual([]);
    expect(parse("~\n").documents).toEqual([]);
  });

  it("strips a byte-order mark", () => {
    expect(parse(Buffer.from("\ufeffa: 1\n")).documents[0]!.data).toEqual({ a: 1 });
  });

  it("keeps a __proto__ key as data, never as a prototype", () => {
    const data = parse("__proto__: {polluted: true}\n").documents[0]!.data as object;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ["a: 1\nb:\n  c: 2\n  c: 3\n", ['f.yaml:4:3: duplicate key "c" (first at line 3)']],
    ['a: 1\n"a": 2\n', ['f.yaml:2:1: duplicate key "a" (first at line 1)']],
    [
      "a: !!binary aGVsbG8=\n",
      [
        "f.yaml:1:4: tag !!binary is not allowed: only plain YAML (strings, numbers, booleans, null, maps and lists) is read",
      ],
    ],
    [
      "a: !!js/function 'x'\n",
      [expect.stringMatching(/^f\.yaml:1:4: tag !!js\/function is not allowed/)],
    ],
    ["a: !custom x\n", [expect.stringMatching(/^f\.yaml:1:4: tag !custom is not allowed/)]],
    ["a: !!set {x}\n", [expect.stringMatching(/^f\.yaml:1:4: tag !!set is not allowed/)]],
    ["a: 1\nb: *nowhere\n", ["f.yaml:2:4: alias *nowhere has no anchor &nowhere before it"]],
    ["a:\n\tb: 1\n", ["f.yaml:2:1: a tab indents this line; YAML indents with spaces only"]],
    [
      "a: [1, 2\nb: 3\n",
      [
        "f.yaml:1:4: this [ starts a list that is never closed with ] (the YAML parser noticed at line 2, column 1)",
      ],
    ],
    ["a: b: c\n", [expect.stringMatching(/^f\.yaml:1:4: /)]],
  ])("reports %j", (text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  it("refuses an alias bomb quickly", () => {
    const started = Date.now();
    expect(problems(aliasBomb(9))).toEqual([
      "f.yaml:1:1: expands aliases more than 100 times; aliases are limited to stop alias bombs",
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("allows a few aliases", () => {
    const { documents, problems } = parse("base: &b {x: 1}\none: *b\ntwo: *b\n");
    expect(problems).toEqual([]);
    expect(documents[0]!.data).toEqual({ base: { x: 1 }, one: { x: 1 }, two: { x: 1 } });
  });

  it.each([
    ["flow lists", "a: " + "[".repeat(1 << 20)],
    ["flow maps", "a: " + "{a: ".repeat(100_000)],
    [
      "block lists",
      Array.from({ length: 120 }, (_, i) => " ".repeat(i * 2) + "-").join("\n") + " x\n",
    ],
    ["block maps", Array.from({ length: 150 }, (_, i) => " ".repeat(i) + "k:").join("\n") + " x\n"],
  ])("refuses %s nested too deeply, quickly", (_, text) => {
    const started = Date.now();
    const found = problems(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/nest|too deeply/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it.each([
    [
      "Latin-1 bytes",
      Buffer.from([0x61, 0x3a, 0x20, 0x0a, 0x62, 0x3a, 0x20, 0xe9, 0x0a]),
      "f.yaml:2:4: is not UTF-8 text",
    ],
    ["a lone continuation byte", Buffer.from([0x80]), "f.yaml:1:1: is not UTF-8 text"],
    ["UTF-16", Buffer.from("\ufeffa: 1\n", "utf16le"), "f.yaml:1:1: is not UTF-8 text"],
    [
      "a NUL byte",
      Buffer.from("a: 1\nb: x\0y\n"),
      "f.yaml:2:5: holds the control character U+0000; YAML files must be text",
    ],
    [
      "an escape character",
      Buffer.from("a: \x1b[31m\n"),
      "f.yaml:1:4: holds the control character U+001B; YAML files must be text",
    ],
  ])("refuses %s", (_, bytes, message) => {
    expect(problems(bytes)).toEqual([message]);
  });

  it("survives random binary garbage", () => {
    let seed = 42;
    for (let round = 0; round < 200; round++) {
      const bytes = Buffer.alloc(512, 0).map(
        () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256,
      );
      expect(() => parse(bytes)).not.toThrow();
      expect(parse(bytes).problems.length).toBeGreaterThan(0);
    }
  });

  it("survives random printable garbage", () => {
    let seed = 7;
    const alphabet = "ab: -[]{}&*!|>'\"#%@`,?\n\t ";
    for (let round = 0; round < 500; round++) {
      const text = Array.from(
        { length: 200 },
        () => alphabet[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % alphabet.length],
      ).join("");
      expect(() => parse(text)).not.toThrow();
    }
  });

  it("caps a flood of syntax errors", () => {
    const found = problems("a: [\n".repeat(60) + "]]]]\n".repeat(200));
    expect(found.length).toBeLessThanOrEqual(21);
  });

  it("reads huge numbers as numbers; the schema decides", () => {
    const data = parse("a: 1e400\nb: 99999999999999999999999\nc: .nan\n").documents[0]!.data;
    expect(data).toEqual({ a: Infinity, b: 1e23, c: NaN });
  });
});

describe("ParsedDocument.locate", () => {
  const doc = parse(
    [
      "spec:", //                                  1
      "  components:", //                          2
      "    web:", //                               3
      "      replicas: two", //                    4
      "      ports:", //                           5
      "        - {name: http, containerPort: 1}", // 6
      "      env:", //                             7
      '        A: "hi {{.Env.x"', //               8
      "        B: hi {{x}}", //                    9
      '        C: "a\\tb{{"', //                  10
      "      list: &l [1, 2]", //                  11
      "      again: *l", //                        12
    ].join("\n"),
  ).documents[0]!;
  const at = (path: (string | number)[], extra: { at?: "key"; offset?: number } = {}) => {
    const { line, col } = doc.locate({ path, message: "", ...extra });
    return `${line}:${col}`;
  };

  it.each([
    [["spec", "components", "web", "replicas"], {}, "4:17"],
    [["spec", "components", "web", "replicas"], { at: "key" as const }, "4:7"],
    [["spec", "components", "web"], {}, "3:5"],
    [["spec", "components", "web", "ports", 0, "containerPort"], {}, "6:39"],
    [["spec", "components", "web", "ports", 0], {}, "6:11"],
    // Exact inside plain and quoted strings; at the string's start where escapes shift it.
    [["spec", "components", "web", "env", "A"], { offset: 3 }, "8:16"],
    [["spec", "components", "web", "env", "B"], { offset: 3 }, "9:15"],
    [["spec", "components", "web", "env", "C"], { offset: 4 }, "10:12"],
    // Through an alias: where the anchored value is.
    [["spec", "components", "web", "again", 1], {}, "11:20"],
    [["spec", "components", "web", "missing", "deeper"], {}, "3:5"],
    [["spec", "components", "web", "ports", 7], {}, "5:7"],
    [[], {}, "1:1"],
  ])("%j %j → %s", (path, extra, position) => {
    expect(at(path, extra)).toBe(position);
  });
});
