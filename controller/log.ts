// Logs are JSON lines on stderr with a level (DESIGN §7); `--log-format text`
// prints the same fields for people. Nothing logged may carry a credential or a
// secret value: callers pass masked URLs and never pass Secret data.

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFormat = "json" | "text";

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  /** A logger that adds `fields` to every line. */
  with(fields: Fields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions = {}, base: Fields = {}): Logger {
  const min = rank[options.level ?? "info"];
  const format = options.format ?? "json";
  const write = options.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const emit = (level: LogLevel, msg: string, fields?: Fields) => {
    if (rank[level] < min) return;
    const record = { time: new Date().toISOString(), level, msg, ...base, ...fields };
    write(format === "json" ? JSON.stringify(record, replacer) : textLine(record));
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    with: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

/** A logger that drops everything, for tests and library callers. */
export const silentLogger: Logger = createLogger({ write: () => undefined });

function replacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? value.message : value;
}

function textLine(record: Fields & { time: string; level: string; msg: string }): string {
  const { time, level, msg, ...rest } = record;
  const extra = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v, replacer)}`)
    .join(" ");
  return `${time.slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${msg}${extra ? " " + extra : ""}`;
}
