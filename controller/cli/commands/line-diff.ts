// A unified diff of two texts, line by line, as `diff -u` prints it: hunks of
// changed lines with up to `context` unchanged lines around them. The longest
// common subsequence of lines is enough for objects of a few hundred lines (no
// npm dependency for it; issue 15).

type Op = { type: " " | "-" | "+"; line: string };

/** `--- from` / `+++ to` and the hunks; no lines when the texts are equal. */
export function unifiedDiff(
  before: string,
  after: string,
  from: string,
  to: string,
  context = 3,
): string[] {
  const ops = lineOps(lines(before), lines(after));
  if (ops.every((o) => o.type === " ")) return [];
  const out = [`--- ${from}`, `+++ ${to}`];
  for (const hunk of hunks(ops, context)) out.push(...hunk);
  return out;
}

function lines(text: string): string[] {
  if (text === "") return [];
  return text.replace(/\n$/, "").split("\n");
}

/** The edit script from `a` to `b`, from a table of longest common suffixes. */
export function lineOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      table[i]![j] =
        a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ type: " ", line: a[i]! });
      i++;
      j++;
    } else if (j === m || (i < n && table[i + 1]![j]! >= table[i]![j + 1]!)) {
      // Removals first within a change, as diff -u prints them.
      ops.push({ type: "-", line: a[i]! });
      i++;
    } else {
      ops.push({ type: "+", line: b[j]! });
      j++;
    }
  }
  return ops;
}

/** Groups the ops into `@@ -a,b +c,d @@` hunks with `context` lines around each change. */
function hunks(ops: Op[], context: number): string[][] {
  const changed = ops.flatMap((o, k) => (o.type === " " ? [] : [k]));
  const ranges: [number, number][] = [];
  for (const k of changed) {
    const start = Math.max(0, k - context);
    const end = Math.min(ops.length, k + context + 1);
    const last = ranges.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else ranges.push([start, end]);
  }
  // Line numbers (1-based) of each op in the old and the new text.
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let o = 1;
  let n = 1;
  for (const op of ops) {
    oldAt.push(o);
    newAt.push(n);
    if (op.type !== "+") o++;
    if (op.type !== "-") n++;
  }
  return ranges.map(([start, end]) => {
    const slice = ops.slice(start, end);
    const oldCount = slice.filter((op) => op.type !== "+").length;
    const newCount = slice.filter((op) => op.type !== "-").length;
    // diff -u numbers an empty side by the line before it.
    const oldStart = oldCount === 0 ? oldAt[start]! - 1 : oldAt[start]!;
    const newStart = newCount === 0 ? newAt[start]! - 1 : newAt[start]!;
    return [
      `@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`,
      ...slice.map((op) => `${op.type}${op.line}`),
    ];
  });
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}
