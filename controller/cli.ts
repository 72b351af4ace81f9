// kubefox-gitops: the command line (DESIGN §7). Each command parses its flags
// once, into a frozen settings object, and hands it down.
import { validate } from "./commands/validate.js";
import { render } from "./commands/render.js";
import { run } from "./commands/run.js";
import { describeError, errorCode } from "./errors.js";

const usage = `usage:
  kubefox-gitops run      --repo URL|PATH [--repo ...] [--branch NAME] [--kubeconfig FILE]
                          [--listen HOST:PORT] [--poll CRON] [--webhook-secret-file FILE]
                          [--state-dir DIR]
  kubefox-gitops validate [DIR]
  kubefox-gitops render   [DIR] --platform NAME [--ref REF]`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  run,
  validate,
  render,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(`${usage}\n`);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`kubefox-gitops: unknown command ${name}\n${usage}\n`);
    return 2;
  }
  return command(rest);
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
