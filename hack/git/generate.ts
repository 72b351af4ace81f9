// Builds big repositories fast for benchmarks and scale tests: one `git
// fast-import` stream instead of thousands of `git commit` processes. The
// shape follows the benchmark (#3): a linear history of small commits,
// each touching one file a few folders deep (so ~5 objects per commit), with
// branches and tags spread over the history, half the tags annotated.
import { spawn } from "node:child_process";
import { git } from "./run.js";

export interface GeneratedRepoShape {
  commits: number;
  branches: number;
  tags: number;
  /** Folders under `apps/` the commits spread their files over. */
  apps?: number;
}

export interface GeneratedRepo {
  /** The commit ids, oldest first. */
  commits: string[];
}

/** Fills the (new, empty) bare repository at `bareDir`; `main` holds the whole history. */
export async function generateRepo(
  bareDir: string,
  shape: GeneratedRepoShape,
): Promise<GeneratedRepo> {
  const stream = fastImportStream(shape);
  await runFastImport(bareDir, stream);
  const log = await git(["rev-list", "--reverse", "main"], bareDir);
  return { commits: log.split("\n").filter(Boolean) };
}

function fastImportStream({ commits, branches, tags, apps = 20 }: GeneratedRepoShape): string {
  const out: string[] = [];
  const when = 1_700_000_000;
  for (let i = 1; i <= commits; i++) {
    const app = `app-${i % apps}`;
    const content = `apiVersion: kubefox.io/v1alpha1\nkind: App\nmetadata: {name: ${app}}\nspec: {title: "revision ${i}"}\n`;
    out.push(
      "commit refs/heads/main",
      `mark :${i}`,
      `committer KubeFox Bench <bench@kubefox.invalid> ${when + i} +0000`,
      data(`commit ${i}\n`),
    );
    if (i > 1) out.push(`from :${i - 1}`);
    out.push(`M 100644 inline apps/${app}/app.yaml`, data(content));
  }
  // Refs point at commits spread evenly over the history.
  const at = (k: number, n: number) => Math.max(1, Math.round(((k + 1) * commits) / (n + 1)));
  for (let b = 0; b < branches; b++) {
    out.push(`reset refs/heads/feature/b-${b}`, `from :${at(b, branches)}`, "");
  }
  for (let t = 0; t < tags; t++) {
    const name = `v1.${Math.floor(t / 100)}.${t % 100}`;
    if (t % 2 === 0) {
      out.push(
        `tag ${name}`,
        `from :${at(t, tags)}`,
        `tagger KubeFox Bench <bench@kubefox.invalid> ${when + t} +0000`,
        data(`release ${name}\n`),
      );
    } else {
      out.push(`reset refs/tags/${name}`, `from :${at(t, tags)}`, "");
    }
  }
  out.push("done", "");
  return out.join("\n");
}

function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}`;
}

function runFastImport(bareDir: string, input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["fast-import", "--quiet", "--done"], {
      cwd: bareDir,
      stdio: ["pipe", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`git fast-import failed: ${stderr.trim()}`)),
    );
    child.stdin.end(input);
  });
}
