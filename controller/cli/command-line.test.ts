import { describe, expect, it } from "vitest";
import {
  commandHelp,
  envNames,
  overviewHelp,
  parseCommandLine,
  type CommandSpec,
} from "./command-line.js";
import { SettingsError } from "../errors.js";
import { commandSpecs, runCommand } from "./settings.js";

const spec = {
  name: "demo",
  positionals: "[DIR]",
  summary: "A command for these tests",
  description: "Does nothing.",
  flags: {
    name: { type: "string", value: "NAME", required: true, help: "A name." },
    level: {
      type: "string",
      value: "LEVEL",
      default: "info",
      choices: ["debug", "info"],
      help: "A level.",
    },
    tag: { type: "string", multiple: true, value: "TAG", help: "Tags." },
    file: {
      type: "string",
      value: "FILE",
      env: ["DEMO_FILE", "FALLBACK_FILE"],
      defaultText: "none",
      help: "A file.",
    },
    on: { type: "boolean", help: "Switches it on." },
  },
} as const satisfies CommandSpec;

describe("parseCommandLine", () => {
  it.each([
    ["a flag wins over its variable", ["--name", "a"], { KUBEFOX_GITOPS_NAME: "b" }, { name: "a" }],
    [
      "a variable wins over the default",
      ["--name=a"],
      { KUBEFOX_GITOPS_LEVEL: "debug" },
      { level: "debug" },
    ],
    ["an empty variable is not set", ["--name=a"], { KUBEFOX_GITOPS_LEVEL: "" }, { level: "info" }],
    ["variables in order, first set wins", ["--name=a"], { FALLBACK_FILE: "f2" }, { file: "f2" }],
    [
      "a repeated flag is a list",
      ["--name=a", "--tag", "x", "--tag", "y"],
      {},
      { tag: ["x", "y"] },
    ],
    [
      "a list's variable is comma- or newline-separated",
      ["--name=a"],
      { KUBEFOX_GITOPS_TAG: "x, y\nz" },
      { tag: ["x", "y", "z"] },
    ],
    ["a boolean flag", ["--name=a", "--on"], {}, { on: true }],
    ["a boolean variable", ["--name=a"], { KUBEFOX_GITOPS_ON: "yes" }, { on: true }],
    ["a boolean's default", ["--name=a"], {}, { on: false, tag: [], file: undefined }],
  ])("%s", (_what, args, env, expected) => {
    const { values } = parseCommandLine(spec, args, env);
    expect(values).toMatchObject({ help: false, ...expected });
    expect(Object.isFrozen(values)).toBe(true);
  });

  it.each([
    [[], {}, "--name is required (or KUBEFOX_GITOPS_NAME)"],
    [["--name=a", "--level", "loud"], {}, "--level loud: use debug or info"],
    [["--name=a"], { KUBEFOX_GITOPS_ON: "maybe" }, "--on maybe: use true or false"],
    [["--name=a", "--bogus"], {}, "Unknown option '--bogus'"],
  ])("refuses %j %j, saying what to do", (args, env, message) => {
    expect(() => parseCommandLine(spec, args, env)).toThrow(SettingsError);
    expect(() => parseCommandLine(spec, args, env)).toThrow(message);
  });

  it("points to --help when a flag is unknown", () => {
    expect(() => parseCommandLine(spec, ["--bogus"], {})).toThrow(
      "kubefox-gitops demo --help lists every flag",
    );
  });

  it.each([[["--help"]], [["-h"]], [["--bogus", "--help"]], [["-h", "--level", "loud"]]])(
    "answers %j with help, checking nothing",
    (args) => {
      expect(parseCommandLine(spec, args, {}).values.help).toBe(true);
    },
  );

  it("keeps positionals", () => {
    expect(parseCommandLine(spec, ["dir", "--name=a"], {}).positionals).toEqual(["dir"]);
  });
});

describe("help", () => {
  it("lists every flag of a command with its variables and default", () => {
    const help = commandHelp(spec);
    expect(help).toMatch(/^usage: kubefox-gitops demo \[DIR\] --name NAME \[--level LEVEL\]/);
    expect(help).toContain(
      "  --name NAME (required)\n      A name.\n      env KUBEFOX_GITOPS_NAME\n",
    );
    expect(help).toContain("env KUBEFOX_GITOPS_LEVEL · default: info · one of debug, info");
    expect(help).toContain("  --tag TAG (repeatable)");
    expect(help).toContain("env DEMO_FILE, FALLBACK_FILE · default: none");
    expect(help).toContain("env KUBEFOX_GITOPS_ON · default: false");
    expect(help).toContain("  -h, --help");
  });

  it("lists every flag of every command, with each variable, in the overview", () => {
    const help = overviewHelp(commandSpecs, "1.2.3");
    expect(help).toMatch(/^kubefox-gitops 1\.2\.3/);
    for (const command of commandSpecs) {
      expect(help).toContain(`  ${command.name} `);
      for (const [name, flag] of Object.entries(command.flags)) {
        expect(help).toContain(`  --${name}`);
        for (const variable of envNames(name, flag)) expect(help).toContain(variable);
        expect(commandHelp(command).replace(/\s+/g, " ")).toContain(flag.help);
      }
    }
    // Every flag of run, not 7 of them (issue 15): the three --ssh-* of issue 16, the four of
    // commit statuses and alerts (issue 14) and --shards (issue 17) among them.
    // The four --git-* limits (issue 16) too.
    expect(Object.keys(runCommand.flags)).toHaveLength(29);
  });

  it("keeps help lines within 100 columns", () => {
    const lines = [overviewHelp(commandSpecs, "0.0.0"), ...commandSpecs.map(commandHelp)]
      .join("\n")
      .split("\n");
    expect(lines.filter((l) => l.length > 100)).toEqual([]);
  });
});
