// `kubefox-gitops diff` as a user runs it, where it must stop before reaching a
// cluster: every such case exits 2, as `kubectl diff` does (test/cli/diff.test.ts
// runs it against the real control plane).
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const cli = path.join(root, "bin/kubefox-gitops.js");
const template = path.join(root, "repo-template");

function diff(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, "diff", ...args],
      { env: { ...process.env, KUBECONFIG: "", KUBEFOX_GITOPS_KUBECONFIG: "" } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("kubefox-gitops diff, before the cluster", () => {
  it.each([
    { name: "no --platform", args: [template], says: "--platform is required" },
    {
      name: "two folders",
      args: [template, template, "--platform", "local"],
      says: "one DIR at most",
    },
    {
      name: "no such folder",
      args: ["/no/such/dir", "--platform", "local"],
      says: "is not a folder",
    },
    { name: "no such platform", args: [template, "--platform", "nope"], says: "no platform nope" },
    {
      name: "a tree that does not render",
      args: [template, "--platform", "local", "--ref", "not a ref"],
      says: "the tree does not render",
    },
    {
      name: "a kubeconfig that does not exist",
      args: [template, "--platform", "local", "--kubeconfig", "/no/such/kubeconfig"],
      says: "/no/such/kubeconfig",
    },
  ])("$name: exit 2, saying why", async ({ args, says }) => {
    const result = await diff(args);
    expect(result.stderr).toContain(says);
    expect(result.stdout).toBe("");
    expect(result.code).toBe(2);
  });
});
