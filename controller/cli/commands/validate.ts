// `kubefox-gitops validate [DIR]` (DESIGN §7): checks a working tree and prints
// every problem as `path:line:col: message` on stdout. Exit 0 valid, 1 invalid,
// 2 when it could not run.
import { stat } from "node:fs/promises";
import { describeError, formatProblem, SettingsError } from "../../errors.js";
import { FsTree } from "../../model/fs-tree.js";
import { validateTree, type TreeReport } from "../../model/validate-tree.js";
import { commandHelp, parseCommandLine, usageLine } from "../command-line.js";
import { validateCommand } from "../settings.js";

const usage = usageLine(validateCommand);

export async function validate(args: string[]): Promise<number> {
  let dir: string;
  try {
    const { values, positionals } = parseCommandLine(validateCommand, args, process.env);
    if (values.help) {
      process.stdout.write(commandHelp(validateCommand));
      return 0;
    }
    if (positionals.length > 1)
      throw new SettingsError(`one DIR at most, got ${positionals.length}`);
    dir = positionals[0] ?? ".";
  } catch (err) {
    return fail(`${describeError(err)}\n${usage}`);
  }

  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => undefined,
  );
  if (isDir === undefined) return fail(`${dir} does not exist`);
  if (!isDir) return fail(`${dir} is not a folder`);

  const report = await validateTree(new FsTree(dir));
  if (report.problems.length > 0) {
    process.stdout.write(report.problems.map((p) => `${formatProblem(p)}\n`).join(""));
    const files = new Set(report.problems.map((p) => p.file)).size;
    const n = report.problems.length;
    say(
      `${dir}: ${n} ${n === 1 ? "problem" : "problems"} in ${files} ${files === 1 ? "file" : "files"}`,
    );
    return 1;
  }
  say(`${dir}: valid (${summary(report)})`);
  return 0;
}

function summary({ system, control }: TreeReport): string {
  const parts: string[] = [];
  if (system) {
    const apps = Object.values(system.apps);
    const components = apps.reduce((n, app) => n + Object.keys(app.spec.components).length, 0);
    parts.push(
      `system ${system.name}: ${count(apps.length, "app")}, ${count(components, "component")}, ${count(system.manifests.length, "manifest")}`,
    );
  }
  if (control) {
    parts.push(
      [
        count(Object.keys(control.environments).length, "environment"),
        count(Object.keys(control.configs).length, "config"),
        count(Object.keys(control.platforms).length, "platform"),
        ...(Object.keys(control.notifications).length > 0
          ? [count(Object.keys(control.notifications).length, "notification")]
          : []),
      ].join(", "),
    );
  }
  return parts.join("; ");
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function say(line: string): void {
  process.stderr.write(`kubefox-gitops validate: ${line}\n`);
}

function fail(message: string): number {
  say(message);
  return 2;
}
