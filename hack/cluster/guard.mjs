// Stops a local cluster when the process that owns it is gone, so an interrupted
// or killed test run leaves no orphaned etcd or kube-apiserver behind.
// Usage: node guard.mjs OWNER_PID CLUSTER_DIR. Plain JavaScript so it starts fast.
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";

const owner = Number(process.argv[2]);
const dir = process.argv[3];
const stateFile = path.join(dir, "state.json");

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

function kill(pid, signal) {
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

function readState() {
  try {
    return JSON.parse(readFileSync(stateFile, "utf8"));
  } catch {
    return undefined;
  }
}

const timer = setInterval(() => {
  const state = readState();
  if (!state || state.guardPid !== process.pid) {
    // Stopped normally (state removed) or taken over: nothing left to guard.
    clearInterval(timer);
    return;
  }
  if (alive(owner)) return;
  clearInterval(timer);
  for (const p of state.processes) kill(p.pid, "SIGTERM");
  setTimeout(() => {
    for (const p of state.processes) if (alive(p.pid)) kill(p.pid, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }, 3000);
}, 500);
