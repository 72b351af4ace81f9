// The Git benchmark of issue 16: clone plus ref listing of the generated
// 5,000-commit, 1,000-ref repository by our URL source over smart HTTP and
// over SSH (a real sshd), each against native `git clone --bare` + `git
// for-each-ref` on the same transport in the same run (goal: at most 1.5x);
// and the same repository with 20,000 refs/pull/* refs, fetched in protocol
// v2 and in v0: bytes received and time.
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { readSshCredentials } from "../controller/cli/ssh-settings.js";
import type { SshCredentials } from "../controller/source/ssh-transport.js";
import { openUrlSource } from "../controller/source/url-source.js";
import { generateRepo } from "../hack/git/generate.js";
import { git } from "../hack/git/run.js";
import { startGitServerProcess } from "../hack/git/server-process.js";
import { startSshServer } from "../hack/git/ssh-server.js";

const SHAPE = { commits: 5000, branches: 500, tags: 500 };
const PULLS = 20_000;

interface Median {
  medianMs: number;
  runsMs: number[];
}

export interface TransportComparison {
  ours: Median;
  native: Median;
  ratio: number;
  targetRatio: number;
}

export interface ProtocolFigures {
  v2: { median: Median; bytes: number };
  v0: { median: Median; bytes: number };
}

export interface GitTransportBenchResult {
  repository: typeof SHAPE & { pulls: number };
  clone: { http: TransportComparison; ssh: TransportComparison };
  pulls: { http: ProtocolFigures; ssh: ProtocolFigures };
}

export async function gitTransportBench(
  workDir: string,
  runs = 5,
): Promise<GitTransportBenchResult> {
  const root = path.join(workDir, "served");
  await mkdir(root, { recursive: true });
  const http = await startGitServerProcess(root);
  const sshd = await startSshServer({ root });
  try {
    const bare = path.join(root, "bench.git");
    await git(["init", "--bare", "--quiet", "--initial-branch=main", bare]);
    await generateRepo(bare, SHAPE);
    await git(["repack", "-a", "-d", "-q"], bare);
    await git(["pack-refs", "--all"], bare);

    const key = await sshd.newKey("ed25519");
    await sshd.authorize(key.publicKey);
    const knownHosts = path.join(workDir, "known_hosts");
    await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
    const ssh = readSshCredentials({
      keyFile: key.privateKeyFile,
      knownHostsFile: knownHosts,
      passphrase: () => undefined,
    });
    const nativeEnv = { GIT_SSH_COMMAND: sshd.gitSshCommand(key, knownHosts) };
    const urls = { http: http.repoUrl("bench"), ssh: sshd.repoUrl("bench") };

    const clone = {
      http: await compareClone(workDir, urls.http, {}, undefined, runs),
      ssh: await compareClone(workDir, urls.ssh, nativeEnv, ssh, runs),
    };

    // GitHub keeps a ref per pull request; v0 advertises them all.
    const updates = Array.from(
      { length: PULLS },
      (_, i) => `create refs/pull/${i + 1}/head main~${i % 4000}\n`,
    );
    await execa("git", ["update-ref", "--stdin"], { cwd: bare, input: updates.join("") });
    await git(["pack-refs", "--all"], bare);
    const pulls = {
      http: await compareProtocols(workDir, urls.http, undefined, runs),
      ssh: await compareProtocols(workDir, urls.ssh, ssh, runs),
    };
    return { repository: { ...SHAPE, pulls: PULLS }, clone, pulls };
  } finally {
    await http.close();
    await sshd.close();
  }
}

async function ourClone(
  workDir: string,
  url: string,
  ssh: SshCredentials | undefined,
  protocol: 0 | 2 = 2,
): Promise<{ ms: number; bytes: number }> {
  const stateDir = path.join(workDir, "state");
  await rm(stateDir, { recursive: true, force: true });
  let bytes = 0;
  const started = performance.now();
  const source = await openUrlSource({
    url,
    stateDir,
    protocol,
    ...(ssh ? { ssh } : {}),
    log: (entry) => {
      if (entry.level === "debug") bytes = entry.bytes as number;
    },
  });
  const refs = await source.sync();
  const ms = performance.now() - started;
  await source.close();
  if (refs.branches.size !== SHAPE.branches + 1 || refs.tags.size !== SHAPE.tags) {
    throw new Error(`clone listed ${refs.branches.size} branches and ${refs.tags.size} tags`);
  }
  return { ms, bytes };
}

async function nativeClone(
  workDir: string,
  url: string,
  env: Record<string, string>,
): Promise<number> {
  const dir = path.join(workDir, "native.git");
  await rm(dir, { recursive: true, force: true });
  const started = performance.now();
  await git(["clone", "--bare", "--quiet", url, dir], undefined, env);
  await git(["for-each-ref"], dir);
  return performance.now() - started;
}

async function compareClone(
  workDir: string,
  url: string,
  env: Record<string, string>,
  ssh: SshCredentials | undefined,
  runs: number,
): Promise<TransportComparison> {
  await ourClone(workDir, url, ssh);
  await nativeClone(workDir, url, env);
  const ours: number[] = [];
  const native: number[] = [];
  for (let i = 0; i < runs; i++) {
    native.push(await nativeClone(workDir, url, env));
    ours.push((await ourClone(workDir, url, ssh)).ms);
  }
  const o = median(ours);
  const n = median(native);
  return { ours: o, native: n, ratio: round2(o.medianMs / n.medianMs), targetRatio: 1.5 };
}

async function compareProtocols(
  workDir: string,
  url: string,
  ssh: SshCredentials | undefined,
  runs: number,
): Promise<ProtocolFigures> {
  const figures = async (protocol: 0 | 2) => {
    await ourClone(workDir, url, ssh, protocol);
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      const run = await ourClone(workDir, url, ssh, protocol);
      times.push(run.ms);
      bytes = run.bytes;
    }
    return { median: median(times), bytes };
  };
  return { v2: await figures(2), v0: await figures(0) };
}

export function formatGitTransportBench(r: GitTransportBenchResult): string {
  const row = (name: string, c: TransportComparison) =>
    `${name.padEnd(34)} ${fmt(c.ours.medianMs)} ${fmt(c.native.medianMs)} ${c.ratio.toFixed(2).padStart(6)}x   ratio <= ${c.targetRatio}`;
  const pulls = (name: string, p: ProtocolFigures) =>
    `${name.padEnd(34)} v2 ${fmt(p.v2.median.medianMs)} ${mb(p.v2.bytes)}   v0 ${fmt(p.v0.median.medianMs)} ${mb(p.v0.bytes)}`;
  return [
    `Git transports: ${r.repository.commits} commits, ${r.repository.branches} branches, ${r.repository.tags} tags`,
    `${"".padEnd(34)} ${"ours".padStart(9)} ${"native".padStart(9)} ${"ratio".padStart(7)}   target`,
    row("clone + ref listing, HTTP (median)", r.clone.http),
    row("clone + ref listing, SSH (median)", r.clone.ssh),
    `with ${r.repository.pulls} refs/pull/*: clone + ref listing (median), bytes received`,
    pulls("  over HTTP", r.pulls.http),
    pulls("  over SSH", r.pulls.ssh),
  ].join("\n");
}

function median(runs: number[]): Median {
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const m = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { medianMs: Math.round(m * 10) / 10, runsMs: runs.map((x) => Math.round(x * 10) / 10) };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const fmt = (ms: number) => `${ms.toFixed(1)} ms`.padStart(9);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`.padStart(9);
