// YAML syntax errors as `validate` prints them: one message per broken file, at
// the line where the broken construct opened (issue 15).
import { describe, expect, it } from "vitest";
import { formatProblem } from "../errors.js";
import { parseYamlFile } from "./yaml-file.js";

const problems = (text: string) =>
  parseYamlFile("f.yaml", Buffer.from(text)).problems.map(formatProblem);

const pod = (args: string) =>
  [
    "apiVersion: v1", //            1
    "kind: Pod", //                 2
    "metadata:", //                 3
    "  name: web", //               4
    "spec:", //                     5
    "  containers:", //             6
    "    - name: web", //           7
    "      image: nginx", //        8
    `      args: ${args}`, //       9
    "      ports:", //              10
    "        - containerPort: 80", // 11
    "  hostname: web", //           12
    "  subdomain: web", //          13
    "", //
  ].join("\n");

describe("YAML syntax errors", () => {
  it.each<[string, string, string[]]>([
    [
      "an unclosed [",
      pod("[--port, '80'"),
      [
        "f.yaml:9:13: this [ starts a list that is never closed with ] (the YAML parser noticed at line 10, column 7)",
      ],
    ],
    [
      "an unclosed { at the end of the file",
      "a: 1\nb: {x: 1, y: 2\n",
      [
        "f.yaml:2:4: this { starts a map that is never closed with } (the YAML parser noticed at the end of the file)",
      ],
    ],
    [
      "an unclosed {, the rest of the file misread after it",
      "a: 1\nb: {x: 1, y: 2\nc: 3\nc: 3\nc: 3\n",
      [
        "f.yaml:2:4: this { starts a map that is never closed with } (the YAML parser noticed at line 3, column 1)",
      ],
    ],
    [
      'an unclosed "',
      pod('["--port, 80]'),
      [
        'f.yaml:9:14: this " starts a string that is never closed with " (the YAML parser noticed at the end of the file)',
      ],
    ],
    [
      "an unclosed '",
      "a: 1\nb: 'it''s\nc: 3\n",
      [
        "f.yaml:2:4: this ' starts a string that is never closed with ' (the YAML parser noticed at the end of the file)",
      ],
    ],
    [
      "a string before the next document closes the file's first broken one only",
      "a: 'x\n---\nb: [1\n",
      [
        "f.yaml:1:4: this ' starts a string that is never closed with ' (the YAML parser noticed at the end of the file)",
      ],
    ],
    [
      "a list closed by the wrong bracket in JSON",
      '{\n  "a": 1,\n  "b": [1, 2\n}\n',
      [
        "f.yaml:3:8: this [ starts a list that is never closed with ] (the YAML parser noticed at line 4, column 1)",
      ],
    ],
    [
      "the innermost of two unclosed lists",
      "a: [1, [2, 3\nb: 1\n",
      [
        "f.yaml:1:8: this [ starts a list that is never closed with ] (the YAML parser noticed at line 2, column 1)",
      ],
    ],
    [
      "a key indented less than its map's keys",
      "a:\n    b: 1\n  c: 2\n",
      [
        "f.yaml:3:3: this key (column 3) lines up with no key above it: the keys of one map start at the same column",
      ],
    ],
    [
      "tab indentation",
      "a: 1\nb:\n\tc: 2\n",
      ["f.yaml:3:1: a tab indents this line; YAML indents with spaces only"],
    ],
    [
      "a duplicate key",
      "a:\n  b: 1\n  c: 2\n  b: 3\n",
      ['f.yaml:4:3: duplicate key "b" (first at line 2)'],
    ],
    [
      "every duplicate key of a file that is otherwise sound",
      'a: 1\nb: 2\na: 3\n"b": 4\n',
      [
        'f.yaml:3:1: duplicate key "a" (first at line 1)',
        'f.yaml:4:1: duplicate key "b" (first at line 2)',
      ],
    ],
    [
      "a duplicate key before a broken construct, and the construct, but nothing after it",
      "a: 1\na: 2\nb: [1\nc: 3\nc: 4\n",
      [
        'f.yaml:2:1: duplicate key "a" (first at line 1)',
        "f.yaml:3:4: this [ starts a list that is never closed with ] (the YAML parser noticed at line 4, column 1)",
      ],
    ],
    [
      "a map as a value on its key's line",
      "a: b: c\n",
      ["f.yaml:1:4: Nested mappings are not allowed in compact mappings"],
    ],
  ])("%s", (_, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  it("reports one message for a long file with one unclosed [", () => {
    const text =
      "items: [a, b\n" + Array.from({ length: 100 }, (_, i) => `k${i % 5}: v\n`).join("");
    expect(problems(text)).toEqual([
      "f.yaml:1:8: this [ starts a list that is never closed with ] (the YAML parser noticed at line 2, column 1)",
    ]);
  });
});
