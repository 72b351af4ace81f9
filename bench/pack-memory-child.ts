// Child of pack-memory.ts: one clone by the URL source in a process of its own,
// printing its resident memory at idle (everything imported) and its peak.
import { readFileSync } from "node:fs";
import { openUrlSource } from "../controller/source/url-source.js";

const hwm = (field: "VmHWM" | "VmRSS") =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync("/proc/self/status", "utf8"))![1]) /
  1024;

const [url, stateDir] = process.argv.slice(2) as [string, string];
const idle = hwm("VmHWM");
const started = performance.now();
const source = await openUrlSource({ url, stateDir });
const refs = await source.sync();
const ms = performance.now() - started;
await source.close();
console.log(
  JSON.stringify({ idleMiB: idle, peakMiB: hwm("VmHWM"), ms, branches: refs.branches.size }),
);
