// Times as people read them (issue 13): "2 min ago", "in 4 min 10 s", with the
// exact time kept for a title. Pure: the instant and "now" in, text out.

const units: [number, string][] = [
  [86_400_000, "d"],
  [3_600_000, "h"],
  [60_000, "min"],
  [1_000, "s"],
];

/** "45 s", "2 min", "3 h", "4 d": the largest unit, rounded down. */
export function span(ms: number): string {
  const abs = Math.abs(ms);
  for (const [size, unit] of units) if (abs >= size) return `${Math.floor(abs / size)} ${unit}`;
  return "0 s";
}

export function relative(at: string, now: number): string {
  const t = Date.parse(at);
  if (Number.isNaN(t)) return at;
  const diff = now - t;
  if (Math.abs(diff) < 5_000) return "just now";
  return diff > 0 ? `${span(diff)} ago` : `in ${span(diff)}`;
}

/** What is left until a deadline, to the second: "4 min 10 s left", or "passed 12 s ago". */
export function countdown(deadline: string, now: number): string {
  const t = Date.parse(deadline);
  if (Number.isNaN(t)) return deadline;
  const left = t - now;
  const abs = Math.abs(left);
  const min = Math.floor(abs / 60_000);
  const s = Math.floor((abs % 60_000) / 1000);
  const text = min > 0 ? `${min} min ${s} s` : `${s} s`;
  return left >= 0 ? `${text} left` : `passed ${text} ago`;
}

/** The exact time, for a title: "2026-11-27 20:14:40 UTC". */
export function exact(at: string): string {
  const t = Date.parse(at);
  if (Number.isNaN(t)) return at;
  return new Date(t)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
}
