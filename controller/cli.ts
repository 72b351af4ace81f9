// kubefox-gitops: the command line (DESIGN §7). Each command's flags are
// declared once in settings.ts; the command parses them into a frozen object
// and hands it down. A command's module is imported only when that command
// runs, so `--help`, `--version` and `validate` start without Express,
// isomorphic-git or the cluster client (issue 15).
import module from "node:module";
import { overviewHelp } from "./cli/command-line.js";
import { describeError, errorCode } from "./errors.js";
import { commandSpecs } from "./cli/settings.js";
import { packageVersion } from "./cli/version.js";

// V8's code cache for the modules a command imports, in the temporary folder
// (Node.js 22.1 and later, which @types/node 20 does not know; a no-op where
// unavailable or unwritable): every start after the first compiles less.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

type Command = (args: string[]) => Promise<number>;

/** Every command of settings.ts's commandSpecs, imported when it runs. */
const commands: Record<string, () => Promise<Command>> = {
  run: async () => (await import("./cli/commands/run.js")).run,
  validate: async () => (await import("./cli/commands/validate.js")).validate,
  render: async () => (await import("./cli/commands/render.js")).render,
  get: async () => (await import("./cli/commands/get.js")).get,
  diff: async () => (await import("./cli/commands/diff.js")).diff,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version") {
    process.stdout.write(`kubefox-gitops version ${packageVersion()}\n`);
    return 0;
  }
  if (!name || name === "--help" || name === "-h") {
    (name ? process.stdout : process.stderr).write(overviewHelp(commandSpecs, packageVersion()));
    return name ? 0 : 2;
  }
  // `kubefox-gitops help [COMMAND]` is `kubefox-gitops [COMMAND] --help`.
  if (name === "help") return rest[0] ? main([rest[0], "--help"]) : main(["--help"]);
  const load = commands[name];
  if (!load) {
    process.stderr.write(
      `kubefox-gitops: unknown command ${name}; kubefox-gitops --help lists the commands\n`,
    );
    return 2;
  }
  return (await load())(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`kubefox-gitops: [${errorCode(err)}] ${describeError(err)}\n`);
    process.exitCode = 2;
  },
);
