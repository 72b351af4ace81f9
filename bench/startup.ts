// Start-up time of the command line (issue 15): `kubefox-gitops --help` and
// `kubefox-gitops validate repo-template`, beside `node -e 0` in the same run
// (target: at most 0.3 s above it). Each is measured as a checkout runs it
// (bin/kubefox-gitops.js, TypeScript through tsx) and as the image runs it
// (the compiled dist/controller/cli.js, with the ENTRYPOINT's Node flags).
// Medians over several runs, each command after one untimed warm-up (which
// fills tsx's cache), the commands taking turns so that a busy machine weighs
// on every one alike.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { imageNodeFlags } from "./node-flags.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface StartupTiming {
  /** What ran, as a person would type it. */
  command: string;
  /** checkout: bin/ through tsx; image: the compiled build with the image's Node flags. */
  how: "baseline" | "checkout" | "image";
  medianMs: number;
  runsMs: number[];
  /** Median above the baseline's. */
  overMs: number;
}

export interface StartupBenchResult {
  node: string;
  baseline: StartupTiming;
  commands: StartupTiming[];
  /** Target: every command's median at most this much above `node -e 0`'s. */
  targetOverMs: number;
}

export async function startupBench(options = { runs: 15 }): Promise<StartupBenchResult> {
  // The build the container image runs (dist/), as the memory benchmark does.
  await execa("npm", ["run", "build"], { cwd: root });
  const flags = await imageNodeFlags();
  const bin = path.join(root, "bin", "kubefox-gitops.js");
  const built = path.join(root, "dist", "controller", "cli.js");
  const template = path.join(root, "repo-template");
  const cases: { command: string; how: StartupTiming["how"]; argv: string[] }[] = [
    { command: "node -e 0", how: "baseline", argv: ["-e", "0"] },
    { command: "kubefox-gitops --help", how: "checkout", argv: [bin, "--help"] },
    {
      command: "kubefox-gitops validate repo-template",
      how: "checkout",
      argv: [bin, "validate", template],
    },
    { command: "kubefox-gitops --help", how: "image", argv: [...flags, built, "--help"] },
    {
      command: "kubefox-gitops validate repo-template",
      how: "image",
      argv: [...flags, built, "validate", template],
    },
  ];
  const samples = cases.map(() => [] as number[]);
  for (let i = 0; i <= options.runs; i++) {
    for (const [n, c] of cases.entries()) {
      const ms = await timeRun(c.argv);
      if (i > 0) samples[n]!.push(ms); // the first round warms up
    }
  }
  const timings = cases.map((c, n) => ({ command: c.command, how: c.how, ...median(samples[n]!) }));
  const base = timings[0]!.medianMs;
  const withOver = timings.map((t) => ({ ...t, overMs: round(t.medianMs - base) }));
  return {
    node: process.version,
    baseline: withOver[0]!,
    commands: withOver.slice(1),
    targetOverMs: 300,
  };
}

/** Wall time from spawn to exit; the command must exit 0. */
function timeRun(argv: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, argv, { cwd: root, stdio: "ignore" });
    child.on("error", reject);
    child.on("exit", (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`node ${argv.join(" ")} exited ${code}`));
    });
  });
}

function median(runs: number[]): { medianMs: number; runsMs: number[] } {
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const m = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { medianMs: round(m), runsMs: runs.map(round) };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

export function formatStartupBench(r: StartupBenchResult): string {
  const ms = (n: number) => `${Math.round(n)} ms`.padStart(7);
  const label = (c: StartupTiming) => `${c.command} (${c.how})`;
  const width = Math.max(...r.commands.map((c) => label(c).length));
  return [
    "",
    `Start-up of the command line (Node.js ${r.node}, median of ${r.baseline.runsMs.length} runs)`,
    `  ${"baseline".padEnd(width)} ${ms(r.baseline.medianMs)}   node -e 0`,
    ...r.commands.map(
      (c) =>
        `  ${label(c).padEnd(width)} ${ms(c.medianMs)}   ${ms(c.overMs).trim()} above   (target: <= ${r.targetOverMs} ms above)`,
    ),
    "  checkout: bin/kubefox-gitops.js through tsx; image: the compiled dist/ with the ENTRYPOINT's Node flags",
  ].join("\n");
}
