// `kubefox-gitops render [DIR] --platform NAME [--ref REF]` (DESIGN §7): the
// objects a platform's deployments would apply, as multi-document YAML on
// stdout; nothing is applied and no cluster is needed. It previews the working
// tree: the platform and environment files, and the system, are read from DIR
// as they are, and rendered as every deployment of the platform (or the one
// with --ref) would run them. The commit label is DIR's HEAD when DIR is a Git
// work tree. Exit 0 rendered, 1 invalid or refused, 2 could not run.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { KubernetesObject } from "@kubernetes/client-node";
import { stringify } from "yaml";
import { describeError, formatProblem, type Problem } from "../errors.js";
import { FsTree } from "../model/fs-tree.js";
import { loadControl } from "../model/load-control.js";
import { loadSystem } from "../model/load-system.js";
import { renderDeployment } from "../render/deployment.js";
import type { PlatformTarget } from "../render/input.js";
import { environmentContext } from "../reconcile/environment.js";
import { atCommit } from "../reconcile/systems.js";
import { commandHelp, parseCommandLine, usageLine } from "../command-line.js";
import { renderCommand } from "../settings.js";

const usage = usageLine(renderCommand);

export async function render(args: string[]): Promise<number> {
  let dir: string;
  let platformName: string;
  let onlyRef: string | undefined;
  try {
    const { values, positionals } = parseCommandLine(renderCommand, args, process.env);
    if (values.help) {
      process.stdout.write(commandHelp(renderCommand));
      return 0;
    }
    if (!values.platform) throw new Error("--platform is required");
    if (positionals.length > 1) throw new Error(`one DIR at most, got ${positionals.length}`);
    dir = positionals[0] ?? ".";
    platformName = values.platform;
    onlyRef = values.ref;
  } catch (err) {
    return fail(`${describeError(err)}\n${usage}`);
  }
  if (
    !(await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    return fail(`${dir} is not a folder`);

  const tree = new FsTree(dir);
  const control = await loadControl(tree);
  const system = await loadSystem(tree);
  const problems: Problem[] = [...control.problems, ...(system.ok ? [] : system.problems)];
  if (problems.length > 0) return invalid(problems.map(formatProblem));
  if (!system.ok) return 1;

  const doc = control.model.platforms[platformName];
  if (!doc) {
    const known = Object.keys(control.model.platforms).join(", ") || "none";
    return fail(
      `no platform ${platformName} in ${path.join(dir, "platforms")} (platforms: ${known})`,
    );
  }
  const platform: PlatformTarget = {
    name: platformName,
    namespace: doc.spec.namespace,
    policy: doc.spec.policy,
  };
  const deployments = onlyRef
    ? [doc.spec.deployments.find((d) => d.ref === onlyRef) ?? { ref: onlyRef }]
    : doc.spec.deployments;
  const commit = await headOf(dir);
  const objects: KubernetesObject[] = [];
  const errors: string[] = [];
  for (const d of deployments) {
    try {
      const environment = d.environment
        ? environmentContext(control.model, d.environment)
        : undefined;
      const rendered = renderDeployment(atCommit(system.model, commit), platform, {
        ref: d.ref,
        ...(environment ? { environment } : {}),
      });
      errors.push(...rendered.refusals);
      for (const w of rendered.warnings) process.stderr.write(`warning: ${d.ref}: ${w}\n`);
      objects.push(...rendered.objects);
    } catch (err) {
      errors.push(`${d.ref}: ${describeError(err)}`);
    }
  }
  if (errors.length > 0) return invalid(errors);
  process.stdout.write(
    objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join("---\n"),
  );
  return 0;
}

/** DIR's HEAD commit when it is a Git work tree, read from its files (no git needed). */
async function headOf(dir: string): Promise<string> {
  const zero = "0".repeat(40);
  try {
    const gitDir = path.join(dir, ".git");
    const head = (await readFile(path.join(gitDir, "HEAD"), "utf8")).trim();
    if (/^[0-9a-f]{40}$/.test(head)) return head;
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    if (!ref) return zero;
    const loose = await readFile(path.join(gitDir, ref), "utf8").catch(() => undefined);
    if (loose) return loose.trim();
    const packed = await readFile(path.join(gitDir, "packed-refs"), "utf8").catch(() => "");
    return (
      new RegExp(`^([0-9a-f]{40}) ${ref.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m").exec(
        packed,
      )?.[1] ?? zero
    );
  } catch {
    return zero;
  }
}

function invalid(lines: string[]): number {
  process.stderr.write(lines.map((l) => `${l}\n`).join(""));
  return 1;
}

function fail(message: string): number {
  process.stderr.write(`kubefox-gitops render: ${message}\n`);
  return 2;
}
