// Reading the Dockerfile and .dockerignore as Docker does, so a machine without
// a Docker engine can still run their steps: each stage's COPY and RUN lines are
// replayed in a folder of its own, and the last stage's ENTRYPOINT is run there.
import { cp, mkdir, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";

export interface Instruction {
  op: string;
  args: string;
  /** `--from=stage` of a COPY. */
  from?: string;
}

export interface Stage {
  base: string;
  name?: string;
  instructions: Instruction[];
}

/** The stages of a Dockerfile, with line continuations joined and comments dropped. */
export function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const lines = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op = "", rest = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = op.toUpperCase();
    if (upper === "FROM") {
      const [, base = "", name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest) ?? [];
      stages.push({
        base: base.replace(/\$\{(\w+)\}/g, (_, v: string) => args[v] ?? ""),
        ...(name ? { name } : {}),
        instructions: [],
      });
    } else if (upper === "ARG" && stages.length === 0) {
      const [k, v = ""] = rest.split("=");
      args[k!] = v;
    } else {
      const from = /^--from=(\S+)\s+/.exec(rest);
      stages.at(-1)?.instructions.push({
        op: upper,
        args: from ? rest.slice(from[0].length) : rest,
        ...(from ? { from: from[1]! } : {}),
      });
    }
  }
  return { args, stages };
}

/** The JSON (exec) form of ENTRYPOINT or CMD. */
export function execForm(instruction: Instruction | undefined): string[] {
  return instruction ? (JSON.parse(instruction.args) as string[]) : [];
}

/**
 * Is `file` (relative, with /) left out of the build context? Docker's rules:
 * patterns in order, the last one that matches the path or one of its parent
 * folders decides, `!` brings a path back.
 */
export function dockerIgnored(patterns: string[], file: string): boolean {
  const rules = patterns
    .map((p) => p.trim())
    .filter((p) => p && !p.startsWith("#"))
    .map((p) => {
      const negate = p.startsWith("!");
      const glob = (negate ? p.slice(1) : p).replace(/^\/+|\/+$/g, "");
      const source = glob
        .split(/(\*\*\/|\*\*|\*|\?)/)
        .map((part) =>
          part === "**/"
            ? "(?:.*/)?"
            : part === "**"
              ? ".*"
              : part === "*"
                ? "[^/]*"
                : part === "?"
                  ? "[^/]"
                  : part.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
        )
        .join("");
      return { negate, re: new RegExp(`^${source}$`) };
    });
  const parts = file.split("/");
  let ignored = false;
  for (const rule of rules) {
    for (let i = 1; i <= parts.length; i++) {
      if (rule.re.test(parts.slice(0, i).join("/"))) {
        ignored = !rule.negate;
        break;
      }
    }
  }
  return ignored;
}

/** Every file of the build context: the folder minus what .dockerignore leaves out. */
export async function buildContext(root: string): Promise<string[]> {
  const patterns = (await readFile(path.join(root, ".dockerignore"), "utf8")).split("\n");
  const files: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.name === ".git" || entry.name === "node_modules") continue;
      if (entry.isDirectory()) await walk(rel);
      else if (!dockerIgnored(patterns, rel)) files.push(rel);
    }
  };
  await walk("");
  return files.sort();
}

export interface ReplayOptions {
  root: string;
  /** Where each stage's filesystem goes: `<work>/<stage>`. */
  work: string;
  /** Environment for RUN lines (npm configuration, for example). */
  env: Record<string, string>;
}

/**
 * Replays a stage's WORKDIR, COPY and RUN lines in `<work>/<stage>`, where its
 * WORKDIR is. Absolute paths in COPY --from sources are mapped into the other
 * stage's folder. Returns that folder.
 */
export async function replayStage(
  stage: Stage,
  index: number,
  all: Stage[],
  context: string[],
  options: ReplayOptions,
): Promise<string> {
  const fsRoot = path.join(options.work, stage.name ?? `stage${index}`);
  let workdir = fsRoot;
  const stageRoot = (name: string) => {
    const i = all.findIndex((s) => s.name === name);
    return path.join(options.work, all[i]?.name ?? `stage${i}`);
  };
  for (const ins of stage.instructions) {
    if (ins.op === "WORKDIR") {
      workdir = path.join(fsRoot, ins.args);
      await mkdir(workdir, { recursive: true });
    } else if (ins.op === "COPY") {
      const parts = ins.args.split(/\s+/);
      const dest = parts.pop()!;
      const target = path.resolve(workdir, dest.startsWith("/") ? path.join(fsRoot, dest) : dest);
      for (const src of parts) {
        if (ins.from) {
          await cp(path.join(stageRoot(ins.from), src), target, { recursive: true });
          continue;
        }
        const prefix = src.replace(/\/$/, "");
        const matched = context.filter((f) => f === prefix || f.startsWith(`${prefix}/`));
        if (matched.length === 0) throw new Error(`COPY ${src}: not in the build context`);
        for (const file of matched) {
          const rel = file === prefix ? path.basename(file) : file.slice(prefix.length + 1);
          const out =
            dest.endsWith("/") || matched.length > 1 || src.endsWith("/")
              ? path.join(target, rel)
              : target;
          await mkdir(path.dirname(out), { recursive: true });
          await cp(path.join(options.root, file), out);
        }
      }
    } else if (ins.op === "RUN") {
      await execa("sh", ["-c", ins.args], { cwd: workdir, env: options.env });
    }
  }
  return workdir;
}
