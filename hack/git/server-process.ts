// The Git server of server.ts in a process of its own, for benchmarks: a
// hosted Git server is another machine, and one run inside the benchmark's
// process would spend the measured client's event loop on serving (about
// 45 ms of a 300 ms clone of the issue #16 repository). Run directly, this
// file starts one and prints its URL.
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { git } from "./run.js";
import { startGitServer } from "./server.js";

export interface GitServerProcess {
  readonly url: string;
  /** Folder holding the bare repositories. */
  readonly root: string;
  repoUrl(name: string): string;
  /** Creates an empty bare repository whose default branch is `main`. */
  createRepo(name: string): Promise<string>;
  close(): Promise<void>;
}

const self = fileURLToPath(import.meta.url);

export async function startGitServerProcess(root: string): Promise<GitServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", self, root], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const [first] = (await Promise.race([
    once(lines, "line"),
    once(child, "exit").then(([code]) => {
      throw new Error(`the Git server process exited with ${String(code)}`);
    }),
  ])) as [string];
  const url = first.trim();
  return {
    url,
    root,
    repoUrl: (name) => `${url}/${name}.git`,
    async createRepo(name) {
      await git([
        "init",
        "--bare",
        "--quiet",
        "--initial-branch=main",
        path.join(root, `${name}.git`),
      ]);
      return `${url}/${name}.git`;
    },
    async close() {
      if (child.exitCode !== null) return;
      child.kill();
      await once(child, "exit");
    },
  };
}

if (process.argv[1] === self) {
  const server = await startGitServer({ root: process.argv[2] });
  console.log(server.url);
  process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
}
