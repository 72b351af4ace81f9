// The Node flags the container image runs the controller with (its ENTRYPOINT,
// between node and the script), so that the benchmark measures the controller as
// the image runs it: the bench re-runs itself with them, and starts every
// controller process with them.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execForm, parseDockerfile } from "../test/install/dockerfile.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** KUBEFOX_BENCH_NODE_FLAGS (space-separated, may be empty) replaces them, to compare. */
export async function imageNodeFlags(): Promise<string[]> {
  const override = process.env.KUBEFOX_BENCH_NODE_FLAGS;
  if (override !== undefined) return override.split(/\s+/).filter(Boolean);
  const dockerfile = parseDockerfile(await readFile(path.join(root, "Dockerfile"), "utf8"));
  const entrypoint = execForm(
    dockerfile.stages.at(-1)?.instructions.find((i) => i.op === "ENTRYPOINT"),
  );
  const script = entrypoint.findIndex((arg) => arg.endsWith("/cli.js"));
  if (script < 1)
    throw new Error(`Dockerfile: unexpected ENTRYPOINT ${JSON.stringify(entrypoint)}`);
  return entrypoint.slice(1, script);
}
