// Everything a user can put in a repository, thrown at the loader at once
// (issue 3: "no input I can craft crashes the loader"). Each hostile file must
// come back as a problem on that file; nothing may throw, hang or blow up.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatProblem } from "../errors.js";
import { FsTree } from "./fs-tree.js";
import { validateTree } from "./validate-tree.js";

const head = (kind: string, name: string) =>
  `apiVersion: kubefox.io/v1alpha1\nkind: ${kind}\nmetadata: {name: ${name}}\n`;

function aliasBomb(): string {
  const lines = [
    head("System", "bomb"),
    'spec: {title: &a "lol"}',
    "x0: &x0 [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
  ];
  for (let i = 1; i < 12; i++)
    lines.push(
      `x${i}: &x${i} [${Array(9)
        .fill(`*x${i - 1}`)
        .join(",")}]`,
    );
  return lines.join("\n");
}

/** Files by path; `null` for the entries made by hand below (links, pipes). */
const files: Record<string, string | Buffer> = {
  "kubefox.yaml": aliasBomb(),
  "apps/huge/app.yaml": `${head("App", "huge")}spec: {components: {web: {image: x}}}\n# ${"x".repeat(10 * 1024 * 1024)}`,
  "apps/binary/app.yaml": Buffer.from(
    Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256),
  ),
  "apps/latin1/app.yaml": Buffer.from(
    `${head("App", "latin1")}spec: {title: "caf\xe9"}\n`,
    "latin1",
  ),
  "apps/deep/app.yaml": `${head("App", "deep")}spec: ${"[".repeat(100_000)}`,
  "apps/deepblock/app.yaml":
    head("App", "deepblock") +
    Array.from({ length: 200 }, (_, i) => " ".repeat(i) + "spec:").join("\n") +
    " x\n",
  "apps/tags/app.yaml": `${head("App", "tags")}spec: {title: !!binary aGVsbG8=, components: !!js/function "() => 1"}\n`,
  "apps/custom/app.yaml": `${head("App", "custom")}spec: !custom {components: {}}\n`,
  "apps/empty/app.yaml": "",
  "apps/plain.yaml": `${head("App", "plain")}spec: {components: {web: {image: x}}}\n`,
  "apps/multi/app.yaml": `${head("App", "multi")}spec: {components: {web: {image: x}}}\n---\n${head("App", "multi")}spec: {}\n`,
  "apps/json/app.yaml":
    '{"apiVersion": "kubefox.io/v1alpha1", "kind": "App", "metadata": {"name": "json"},\n' +
    ' "spec": {"components": {"web": {"image": "x", "replicas": 1e400}}}}\n',
  "apps/jsonok/app.yaml":
    '{\n\t"apiVersion": "kubefox.io/v1alpha1",\n\t"kind": "App",\n\t"metadata": {"name": "jsonok"},\n' +
    '\t"spec": {"components": {"web": {"image": "x"}}}\n}\n',
  "apps/numbers/app.yaml": `${head("App", "numbers")}spec: {components: {web: {image: x, replicas: 99999999999999999999999, ports: [{name: http, containerPort: .inf}]}}}\n`,
  "apps/dupes/app.yaml": `${head("App", "dupes")}spec: {components: {web: {image: x}, web: {image: y}}}\n`,
  "apps/proto/app.yaml": `${head("App", "proto")}spec: {components: {__proto__: {image: x}, constructor: {image: y}}}\n`,
  "apps/nul/app.yaml": `${head("App", "nul")}spec: {title: "a\0b"}\n`,
  "apps/crlf/app.yaml":
    `${head("App", "crlf")}spec:\n  components:\n    web: {image: x, replicas: -1}\n`.replace(
      /\n/g,
      "\r\n",
    ),
  "manifests/anchors.yaml": "a: &a [1]\nb: *a\nc: *missing\n",
  "environments/prod.yaml/inner.yaml": "a folder where a file belongs",
  "environments/dev.yaml": `${head("Environment", "dev")}spec: {vars: {big: 1e400, nan: .nan}}\n`,
  "configs/many.yaml": `${head("Config", "many")}spec: {}\n---\n${head("Config", "many")}spec: {}\n`,
  "outside/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: stolen}\n",
};

let dir: string;
let repo: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "hostile-"));
  repo = path.join(dir, "repo");
  for (const [file, content] of Object.entries(files)) {
    const target = file.startsWith("outside/") ? path.join(dir, file) : path.join(repo, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  // Links that lead out of the tree, and into it; a pipe that would block a read.
  await symlink(path.join(dir, "outside/secret.yaml"), path.join(repo, "manifests/stolen.yaml"));
  await symlink(path.join(dir, "outside"), path.join(repo, "manifests/outside"));
  await symlink("../environments/dev.yaml", path.join(repo, "configs/linked.yaml"));
  await mkdir(path.join(repo, "platforms"));
  execFileSync("mkfifo", [path.join(repo, "platforms/pipe.yaml")]);
  await symlink(path.join(dir, "outside"), path.join(repo, "apps/linked"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the loader on hostile input", () => {
  it("reports each hostile file as a problem, quickly, without throwing", async () => {
    const started = Date.now();
    const report = await validateTree(new FsTree(repo));
    const elapsed = Date.now() - started;
    const problems = report.problems.map(formatProblem);
    const about = (file: string) => problems.filter((p) => p.startsWith(`${file}:`));

    expect(about("kubefox.yaml")).toEqual([
      "kubefox.yaml:1:1: expands aliases more than 100 times; aliases are limited to stop alias bombs",
    ]);
    expect(about("apps/huge/app.yaml")).toEqual([
      expect.stringMatching(
        /^apps\/huge\/app\.yaml:1:1: is \d+ bytes; files of more than 1048576 bytes are not read$/,
      ),
    ]);
    expect(about("apps/binary/app.yaml")).toEqual([
      expect.stringMatching(/^apps\/binary\/app\.yaml:1:\d+: is not UTF-8 text$/),
    ]);
    expect(about("apps/latin1/app.yaml")).toEqual(["apps/latin1/app.yaml:4:19: is not UTF-8 text"]);
    expect(about("apps/deep/app.yaml")).toEqual([
      "apps/deep/app.yaml:4:107: nests lists or maps more than 100 levels deep",
    ]);
    expect(about("apps/deepblock/app.yaml")).toEqual([
      expect.stringMatching(
        /^apps\/deepblock\/app\.yaml:\d+:\d+: nests lists or maps more than 100 levels deep$/,
      ),
    ]);
    expect(about("apps/tags/app.yaml")).toEqual([
      expect.stringContaining("apps/tags/app.yaml:4:15: tag !!binary is not allowed"),
      expect.stringContaining("apps/tags/app.yaml:4:46: tag !!js/function is not allowed"),
    ]);
    expect(about("apps/custom/app.yaml")).toEqual([
      expect.stringContaining("apps/custom/app.yaml:4:7: tag !custom is not allowed"),
    ]);
    // A file where a folder belongs.
    expect(about("apps/plain.yaml")).toEqual([
      "apps/plain.yaml:1:1: is a file; apps/ holds one folder per app, each with an app.yaml",
    ]);
    expect(about("apps/empty/app.yaml")).toEqual([
      "apps/empty/app.yaml:1:1: is empty; expected a App document",
    ]);
    expect(about("apps/multi/app.yaml")).toEqual([
      "apps/multi/app.yaml:6:1: holds 2 YAML documents; a App file holds exactly one",
    ]);
    expect(about("apps/json/app.yaml")).toEqual([
      "apps/json/app.yaml:2:60: spec.components.web.replicas must be an integer, got Infinity",
    ]);
    expect(about("apps/numbers/app.yaml")).toEqual([
      "apps/numbers/app.yaml:4:47: spec.components.web.replicas must be at most 2147483647, got 1e+23",
      "apps/numbers/app.yaml:4:108: spec.components.web.ports[0].containerPort must be an integer, got Infinity",
    ]);
    // JSON is YAML: read as it is, even indented with tabs.
    expect(about("apps/jsonok/app.yaml")).toEqual([]);
    expect(about("apps/dupes/app.yaml")).toEqual([
      'apps/dupes/app.yaml:4:38: duplicate key "web" (first at column 21)',
    ]);
    expect(about("apps/proto/app.yaml")).toEqual([
      expect.stringContaining(
        'apps/proto/app.yaml:4:21: spec.components has an invalid name "__proto__"',
      ),
    ]);
    expect(about("apps/nul/app.yaml")).toEqual([
      "apps/nul/app.yaml:4:17: holds the control character U+0000; YAML files must be text",
    ]);
    expect(about("apps/crlf/app.yaml")).toEqual([
      "apps/crlf/app.yaml:6:31: spec.components.web.replicas must be at least 0, got -1",
    ]);
    expect(about("apps/linked")).toEqual([
      "apps/linked:1:1: is a symbolic link, and links are not followed; apps/ holds one folder per app, each with an app.yaml",
    ]);
    expect(about("manifests/anchors.yaml")).toEqual([
      "manifests/anchors.yaml:3:4: alias *missing has no anchor &missing before it",
    ]);
    expect(about("manifests/stolen.yaml")).toEqual([
      "manifests/stolen.yaml:1:1: is a symbolic link, and links are not followed",
    ]);
    // A link to a folder is not walked into: nothing under it is read.
    expect(about("manifests/outside")).toEqual([
      "manifests/outside:1:1: is a symbolic link, and links are not followed",
    ]);
    expect(problems.join("\n")).not.toContain("manifests/outside/");
    expect(about("environments/prod.yaml")).toEqual([
      "environments/prod.yaml:1:1: is a folder; expected a file",
    ]);
    expect(about("environments/dev.yaml")).toEqual([
      "environments/dev.yaml:4:20: spec.vars.big must be a string, a number or a boolean (true or false), got Infinity",
      "environments/dev.yaml:4:32: spec.vars.nan must be a string, a number or a boolean (true or false), got NaN",
    ]);
    expect(about("configs/many.yaml")).toEqual([
      "configs/many.yaml:6:1: holds 2 YAML documents; a Config file holds exactly one",
    ]);
    expect(about("configs/linked.yaml")).toEqual([
      "configs/linked.yaml:1:1: is a symbolic link, and links are not followed; expected a file",
    ]);
    expect(about("platforms/pipe.yaml")).toEqual([
      "platforms/pipe.yaml:1:1: is not a regular file (a submodule, device or socket); expected a file",
    ]);
    expect(elapsed).toBeLessThan(10_000);
  });
});
