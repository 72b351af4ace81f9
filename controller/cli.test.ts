// The command line as a user runs it: bin/kubefox-gitops.js, spawned.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "bin/kubefox-gitops.js");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], nodeArgs: string[] = []): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...nodeArgs, cli, ...args],
      { cwd: root },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("kubefox-gitops", () => {
  it("prints package.json's version with --version", async () => {
    const pkg = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as {
      version: string;
    };
    expect(await run(["--version"])).toEqual({
      code: 0,
      stdout: `kubefox-gitops version ${pkg.version}\n`,
      stderr: "",
    });
  });

  it.each([[["--help"]], [["-h"]], [["help"]]])(
    "lists the commands and every flag with %j",
    async (args) => {
      const result = await run(args);
      expect(result.code).toBe(0);
      for (const command of ["run", "validate", "render"])
        expect(result.stdout).toContain(`kubefox-gitops ${command}`);
      expect(result.stdout).toContain("--leader-election-retry-period DURATION");
      expect(result.stdout).toContain(
        "env KUBEFOX_GITOPS_LEADER_ELECTION_RETRY_PERIOD · default: 2s",
      );
    },
  );

  it.each([
    [["run", "--help"], "usage: kubefox-gitops run --repo URL|PATH"],
    [["run", "-h", "--bogus"], "usage: kubefox-gitops run --repo URL|PATH"],
    [["help", "run"], "usage: kubefox-gitops run --repo URL|PATH"],
    [["validate", "-h"], "usage: kubefox-gitops validate [DIR]"],
    [["render", "--help"], "usage: kubefox-gitops render [DIR] --platform NAME [--ref REF]"],
  ])("explains %j and exits 0", async (args, usage) => {
    const result = await run(args);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${usage.replace(/[[\]|]/g, "\\$&")}`));
    expect(result.stdout).toContain("  -h, --help");
  });

  it("says which flag is wrong and where to look, exiting 2", async () => {
    const result = await run(["run", "--bogus"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("kubefox-gitops: [InvalidSettings] Unknown option '--bogus'");
    expect(result.stderr).toContain("kubefox-gitops run --help lists every flag");
  });

  it("exits 2 for no command or an unknown one", async () => {
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Commands:");
    const unknown = await run(["deploy"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      "unknown command deploy; kubefox-gitops --help lists the commands",
    );
  });
});

// Commands load only what they use (issue 15): a resolve hook reports every
// module the process loads.
describe("what each command loads", () => {
  let dir: string;
  let hook: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "kubefox-cli-"));
    hook = path.join(dir, "hook.mjs");
    // Written to fd 2 at once: the hooks run on a thread of their own, whose
    // buffered output may be lost when a short command exits.
    const resolve = `import { writeSync } from "node:fs";
    export async function resolve(specifier, context, next) {
      const result = await next(specifier, context);
      writeSync(2, "loaded " + result.url + "\\n");
      return result;
    }`;
    await writeFile(
      hook,
      `import { register } from "node:module";\nregister(${JSON.stringify(`data:text/javascript,${encodeURIComponent(resolve)}`)});\n`,
    );
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const heavy = [
    /\/node_modules\/express\//,
    /\/node_modules\/isomorphic-git\//,
    /\/node_modules\/prom-client\//,
    /\/node_modules\/chokidar\//,
    /\/node_modules\/@kubernetes\//,
    /\/controller\/cluster\//,
    /\/controller\/source\//,
    /\/webhooks\//,
  ];

  it.each([[["--help"]], [["--version"]], [["run", "--help"]], [["validate", "repo-template"]]])(
    "%j loads no web server, Git client or cluster client",
    async (args) => {
      const result = await run(args, ["--import", hook]);
      expect(result.code).toBe(0);
      const loaded = result.stderr
        .split("\n")
        .filter((l) => l.startsWith("loaded "))
        .map((l) => l.slice(7));
      expect(loaded.some((url) => url.endsWith("/controller/cli.ts"))).toBe(true);
      expect(loaded.filter((url) => heavy.some((re) => re.test(url)))).toEqual([]);
    },
  );
});
