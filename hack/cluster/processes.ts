// The control plane's processes: each started in a process group of its own,
// with its output in a log file, and recorded in the cluster's state file so
// that `down` (or the guard, when the owner dies) can stop every one of them.
import { spawn } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { readFile, writeFile, rename } from "node:fs/promises";
import path from "node:path";

export interface ProcessRecord {
  name: string;
  pid: number;
  log: string;
  /** How it was started, so that it can be started again the same way. */
  bin: string;
  args: string[];
}

export interface ClusterState {
  name: string;
  dir: string;
  kubeconfig: string;
  server: string;
  nodes: number;
  startedAt: string;
  /** When set, the guard stops the cluster as soon as this process is gone. */
  owner?: number;
  guardPid?: number;
  processes: ProcessRecord[];
}

export function stateFile(dir: string): string {
  return path.join(dir, "state.json");
}

export async function readState(dir: string): Promise<ClusterState | undefined> {
  try {
    return JSON.parse(await readFile(stateFile(dir), "utf8")) as ClusterState;
  } catch {
    return undefined;
  }
}

export async function writeState(state: ClusterState): Promise<void> {
  const file = stateFile(state.dir);
  await writeFile(`${file}.tmp`, JSON.stringify(state, null, 2));
  await rename(`${file}.tmp`, file);
}

/** Starts `bin args` detached, in its own process group, logging to DIR/logs/NAME.log. */
export function startProcess(
  dir: string,
  name: string,
  bin: string,
  args: string[],
): ProcessRecord {
  const log = path.join(dir, "logs", `${name}.log`);
  const fd = openSync(log, "a");
  try {
    const child = spawn(bin, args, { detached: true, stdio: ["ignore", fd, fd], cwd: dir });
    if (child.pid === undefined) throw new Error(`hack: could not start ${name} (${bin})`);
    child.unref();
    return { name, pid: child.pid, log, bin, args };
  } finally {
    closeSync(fd);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM to each process group, then SIGKILL to whatever is left after `graceMs`. */
export async function stopProcesses(records: ProcessRecord[], graceMs = 5000): Promise<void> {
  // Stop in reverse start order: clients before the API server, the API server before etcd.
  for (const record of [...records].reverse()) signalGroup(record.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && records.some((r) => isAlive(r.pid))) {
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const record of records) if (isAlive(record.pid)) signalGroup(record.pid, "SIGKILL");
  while (records.some((r) => isAlive(r.pid))) await new Promise((r) => setTimeout(r, 50));
}
