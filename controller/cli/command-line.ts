// The command line's flags, declared once per command (settings.ts): the parser
// reads each flag, then its environment variables, then its default, from the
// declaration, and `--help` is printed from the same declaration, so the two
// cannot drift apart (issue 15). Parsed values come back frozen.
import { parseArgs } from "node:util";
import { SettingsError } from "../errors.js";

export const envPrefix = "KUBEFOX_GITOPS_";
const program = "kubefox-gitops";
/** Help is wrapped to this many columns. */
const width = 100;

export interface Flag {
  readonly type: "string" | "boolean";
  /** A one-letter alias (`-o`). */
  readonly short?: string;
  /** May be given more than once; its environment variable then holds a comma- or newline-separated list. */
  readonly multiple?: boolean;
  /** What the value is, in help: `URL|PATH`, `FILE` ... */
  readonly value?: string;
  /** Environment variables read when the flag is not given, first set wins; default `KUBEFOX_GITOPS_<FLAG>`. */
  readonly env?: readonly string[];
  /** Another way to give it, said after its variables in help (a secret's own variable). */
  readonly envNote?: string;
  /** Used when neither the flag nor a variable is set. */
  readonly default?: string | (() => string);
  /** How help shows the default when it is not a plain value, or when there is none. */
  readonly defaultText?: string;
  readonly required?: boolean;
  /** The only values it takes. */
  readonly choices?: readonly string[];
  /** What it is for, in one sentence. */
  readonly help: string;
}

export interface CommandSpec {
  readonly name: string;
  /** Positional arguments in the usage line (`[DIR]`); none when absent. */
  readonly positionals?: string;
  /** One line for the list of commands. */
  readonly summary: string;
  /** A paragraph for the command's own help. */
  readonly description: string;
  readonly flags: Readonly<Record<string, Flag>>;
}

type ValueOf<F extends Flag> = F extends { type: "boolean" }
  ? boolean
  : F extends { multiple: true }
    ? readonly string[]
    : F extends { default: string | (() => string) } | { required: true }
      ? string
      : string | undefined;

/** Every flag of a command, as given or from its variable or default; `help` when -h or --help was given. */
export type FlagValues<S extends CommandSpec> = {
  readonly [K in keyof S["flags"]]: ValueOf<S["flags"][K]>;
} & { readonly help: boolean };

export interface CommandLine<S extends CommandSpec> {
  readonly values: FlagValues<S>;
  readonly positionals: readonly string[];
}

const helpFlag = { type: "boolean", short: "h" } as const;

export function envNames(name: string, flag: Flag): readonly string[] {
  return flag.env ?? [envPrefix + name.toUpperCase().replace(/-/g, "_")];
}

/**
 * Reads a command's flags from `args` and `env`. A flag given wins over its
 * environment variables, which win over its default. With -h or --help
 * anywhere, nothing is checked and `values.help` is true.
 */
export function parseCommandLine<S extends CommandSpec>(
  spec: S,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): CommandLine<S> {
  const options = Object.fromEntries([
    ...Object.entries(spec.flags).map(([name, f]) => [
      name,
      {
        type: f.type,
        ...(f.multiple ? { multiple: true } : {}),
        ...(f.short ? { short: f.short } : {}),
      },
    ]),
    ["help", helpFlag],
  ]);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options,
      allowPositionals: spec.positionals !== undefined,
      strict: true,
    });
  } catch (err) {
    if (asksForHelp(args)) return freeze(spec, {}, {}, [], true);
    throw new SettingsError(
      `${(err as Error).message}\n${program} ${spec.name} --help lists every flag`,
    );
  }
  return freeze(spec, parsed.values, env, parsed.positionals, parsed.values.help === true);
}

function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
}

function freeze<S extends CommandSpec>(
  spec: S,
  given: Record<string, string | boolean | (string | boolean)[] | undefined>,
  env: NodeJS.ProcessEnv,
  positionals: readonly string[],
  help: boolean,
): CommandLine<S> {
  const values: Record<string, unknown> = { help };
  for (const [name, flag] of Object.entries(spec.flags)) {
    values[name] = resolve(name, flag, given[name], env, !help);
  }
  return Object.freeze({
    values: Object.freeze(values) as FlagValues<S>,
    positionals: Object.freeze([...positionals]),
  });
}

function resolve(
  name: string,
  flag: Flag,
  given: string | boolean | (string | boolean)[] | undefined,
  env: NodeJS.ProcessEnv,
  check: boolean,
): string | boolean | readonly string[] | undefined {
  const fromEnv = envNames(name, flag)
    .map((v) => env[v])
    .find((v) => v !== undefined && v !== "");
  const fallback = typeof flag.default === "function" ? flag.default() : flag.default;
  if (flag.multiple) {
    const list = Array.isArray(given)
      ? given.map(String)
      : (fromEnv ?? fallback ?? "")
          .split(/[\n,]/)
          .map((s) => s.trim())
          .filter(Boolean);
    if (check && flag.required && list.length === 0) throw required(name, flag);
    return Object.freeze(list);
  }
  if (flag.type === "boolean") {
    if (typeof given === "boolean") return given;
    const text = fromEnv ?? fallback;
    return text === undefined ? false : parseBoolean(name, text);
  }
  const value = (typeof given === "string" ? given : undefined) ?? fromEnv ?? fallback;
  if (!check) return value;
  if (value === undefined && flag.required) throw required(name, flag);
  if (value !== undefined && flag.choices && !flag.choices.includes(value))
    throw new SettingsError(`--${name} ${value}: use ${oneOf(flag.choices)}`);
  return value;
}

function required(name: string, flag: Flag): SettingsError {
  return new SettingsError(`--${name} is required (or ${envNames(name, flag).join(" or ")})`);
}

export function parseBoolean(name: string, value: string): boolean {
  if (/^(true|1|yes|on)$/i.test(value)) return true;
  if (/^(false|0|no|off)$/i.test(value)) return false;
  throw new SettingsError(`--${name} ${value}: use true or false`);
}

function oneOf(choices: readonly string[]): string {
  return choices.length < 2
    ? choices.join("")
    : `${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}`;
}

// --- help ------------------------------------------------------------------

function flagName(name: string, flag: Flag): string {
  return `--${name}${flag.value ? ` ${flag.value}` : ""}`;
}

/** `usage: kubefox-gitops render [DIR] --platform NAME [--ref REF]`, wrapped between words. */
export function usageLine(spec: CommandSpec): string {
  const words = [`usage: ${program} ${spec.name}`];
  if (spec.positionals) words.push(spec.positionals);
  for (const [name, flag] of Object.entries(spec.flags)) {
    const word = flagName(name, flag);
    words.push(flag.required ? word : `[${word}]`);
    if (flag.multiple) words.push(`[--${name} ...]`);
  }
  return wrapWords(words, " ".repeat(words[0]!.length + 1));
}

/**
 * A flag in help: its name (and whether it is required or repeatable), what it
 * is for when `why`, and where else it is read from and its default.
 */
function describeFlag(name: string, flag: Flag, why: boolean): string[] {
  const notes = [
    flag.short && `or -${flag.short}`,
    flag.required && "required",
    flag.multiple && "repeatable",
  ].filter(Boolean);
  const indent = "      ";
  const env = `env ${envNames(name, flag).join(", ")}${flag.envNote ? `, ${flag.envNote}` : ""}`;
  const words = env.split(" ");
  if (!flag.required) words.push(`· default: ${defaultOf(flag)}`);
  if (flag.choices) words.push(`· one of ${flag.choices.join(", ")}`);
  return [
    `  ${flagName(name, flag)}${notes.length ? ` (${notes.join(", ")})` : ""}`,
    ...(why ? [wrap(`${indent}${flag.help}`, indent)] : []),
    wrapWords([indent + words[0]!, ...words.slice(1)], `${indent}  `),
  ];
}

function defaultOf(flag: Flag): string {
  if (flag.defaultText) return flag.defaultText;
  if (typeof flag.default === "string")
    return flag.default.includes(" ") ? `"${flag.default}"` : flag.default;
  return flag.type === "boolean" ? "false" : "none";
}

/** A command's --help: what it does, then every flag with what it is for, its variables and default. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [usageLine(spec), "", wrap(spec.description, ""), ""];
  lines.push("Flags (a flag given wins over its environment variable):");
  for (const [name, flag] of Object.entries(spec.flags))
    lines.push(...describeFlag(name, flag, true));
  lines.push("  -h, --help", "      Print this help.");
  return `${lines.join("\n")}\n`;
}

/** `kubefox-gitops --help`: the commands, and every flag of each with its variables and default. */
export function overviewHelp(specs: readonly CommandSpec[], version: string): string {
  const lines = [
    `${program} ${version}: GitOps for KubeFox-style systems. git push deploys, git tag releases.`,
    "",
    `usage: ${program} COMMAND [ARGS] [FLAGS]`,
    `       ${program} COMMAND --help    what the command does, and what each flag is for`,
    `       ${program} --version`,
    "",
    "Commands:",
    // The name, padded, is one word: wrap() would fold its padding into one space.
    ...specs.map((s) =>
      wrapWords([`  ${s.name.padEnd(10)}`, ...s.summary.split(" ")], " ".repeat(13)),
    ),
  ];
  for (const spec of specs) {
    lines.push("", `${program} ${spec.name}${spec.positionals ? ` ${spec.positionals}` : ""}`);
    for (const [name, flag] of Object.entries(spec.flags))
      lines.push(...describeFlag(name, flag, false));
  }
  lines.push("", "A flag given wins over its environment variable.");
  return `${lines.join("\n")}\n`;
}

/** Joins `words` with spaces, breaking lines before `width` only between words, continuing with `indent`. */
function wrapWords(words: readonly string[], indent: string): string {
  const out: string[] = [];
  let line = "";
  for (const word of words) {
    if (line && `${line} ${word}`.length > width) {
      out.push(line);
      line = indent + word;
    } else line = line ? `${line} ${word}` : word;
  }
  out.push(line);
  return out.join("\n");
}

/** Wraps each line of `text` at spaces (keeping its leading indent), continuing with `indent`. */
function wrap(text: string, indent: string): string {
  return text
    .split("\n")
    .map((paragraph) => wrapWords(paragraph.split(/(?<=\S) +/), indent))
    .join("\n");
}
