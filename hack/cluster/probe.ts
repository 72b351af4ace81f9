// Waits for a control-plane endpoint to answer 200 (etcd's /health, the API
// server's /readyz), failing with the component's log tail when it never does.
import { readFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { isAlive, type ProcessRecord } from "./processes.js";

export interface ProbeTarget {
  url: string;
  ca?: string;
  token?: string;
}

export function get(
  target: ProbeTarget,
  timeoutMs = 2000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(target.url);
    const client = url.protocol === "https:" ? https : http;
    const req = client.get(
      url,
      {
        ca: target.ca,
        headers: target.token ? { authorization: `Bearer ${target.token}` } : {},
        timeout: timeoutMs,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

export async function waitUntilHealthy(
  target: ProbeTarget,
  process: ProcessRecord,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (!isAlive(process.pid)) {
      throw new Error(`hack: ${process.name} exited during start-up:\n${await tail(process.log)}`);
    }
    try {
      const res = await get(target);
      if (res.status === 200) return;
      last = `${res.status} ${res.body.slice(0, 500)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `hack: ${process.name} not healthy at ${target.url} after ${timeoutMs / 1000}s (${last}):\n` +
      (await tail(process.log)),
  );
}

export async function tail(file: string, lines = 20): Promise<string> {
  try {
    return (await readFile(file, "utf8")).trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
