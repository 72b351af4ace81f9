// `kubefox-gitops validate` as a user runs it: the real CLI, spawned, on fixtures.
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const cli = path.join(root, "bin/kubefox-gitops.js");
const fixture = (name: string) => path.join(root, "test/fixtures/model", name);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd = root): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, "validate", ...args], { cwd }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "validate-"));
  await writeFile(path.join(scratch, "file.txt"), "not a folder");
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("kubefox-gitops validate", () => {
  it("passes repo-template, printing nothing on stdout and a summary on stderr", async () => {
    const result = await run([path.join(root, "repo-template")]);
    expect(result).toEqual({
      code: 0,
      stdout: "",
      stderr: expect.stringMatching(
        /^kubefox-gitops validate: .*repo-template: valid \(system demo: 1 app, 2 components, 0 manifests; 2 environments, 1 config, 1 platform\)\n$/,
      ),
    });
  });

  it("validates the current folder when no DIR is given", async () => {
    const result = await run([], path.join(root, "repo-template"));
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      "kubefox-gitops validate: .: valid (system demo: 1 app, 2 components, 0 manifests; 2 environments, 1 config, 1 platform)\n",
    );
  });

  it("passes the examples of DESIGN §2", async () => {
    const result = await run([fixture("design")]);
    expect(result.stdout).toBe("");
    expect(result.code).toBe(0);
  });

  it("prints every problem of a broken repository as path:line:col: message, and exits 1", async () => {
    const result = await run([fixture("broken")]);
    const expected = await readFile(fixture("broken.expected.txt"), "utf8");
    expect(result.stdout).toBe(expected);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/: 50 problems in 13 files\n$/);
  });

  it("refuses a manifest the way run does, and a broken YAML file in one message", async () => {
    const repo = path.join(scratch, "refused");
    await cp(path.join(root, "repo-template"), repo, { recursive: true });
    await mkdir(path.join(repo, "manifests"));
    await writeFile(
      path.join(repo, "manifests/agent.yaml"),
      [
        "apiVersion: apps/v1",
        "kind: DaemonSet",
        "metadata: {name: agent}",
        "spec:",
        "  selector: {matchLabels: {app: agent}}",
        "  template:",
        "    metadata: {labels: {app: agent}}",
        "    spec:",
        "      hostNetwork: true",
        "      containers: [{name: agent, image: busybox}]",
        "",
      ].join("\n"),
    );
    await writeFile(
      path.join(repo, "manifests/broken.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings\ndata:\n  a: b\n  c: d\n",
    );
    const result = await run([repo]);
    expect(result.stdout).toBe(
      [
        "manifests/agent.yaml:9:7: DaemonSet agent asks for hostNetwork, which platform local does not allow",
        "manifests/broken.yaml:3:11: this { starts a map that is never closed with } (the YAML parser noticed at line 4, column 1)",
        "",
      ].join("\n"),
    );
    expect(result.code).toBe(1);
  });

  it("says what to do about an empty folder", async () => {
    const result = await run([scratch]);
    expect(result).toMatchObject({
      code: 1,
      stdout: "kubefox.yaml:1:1: is missing: every ref holds a kubefox.yaml of kind System\n",
    });
  });

  it.each([
    [
      "a folder that does not exist",
      [path.join(root, "no-such-folder")],
      /no-such-folder does not exist\n$/,
    ],
    ["a file", ["SCRATCH/file.txt"], /file\.txt is not a folder\n$/],
    ["two folders", [".", "."], /one DIR at most, got 2\n/],
    ["an unknown flag", ["--strict"], /Unknown option '--strict'/],
  ])("exits 2 for %s", async (_, args, message) => {
    const result = await run(args.map((a) => a.replace("SCRATCH", scratch)));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
  });

  it("explains itself with --help", async () => {
    const result = await run(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: kubefox-gitops validate \[DIR\]/);
  });
});
