// Near misses for field names: `replica` → "did you mean replicas?", so a typo
// costs one look instead of a trip to the schema.

/** ` (did you mean "replicas"?)` for a near miss, else the fields that are allowed. */
export function suggestion(name: string, known: string[]): string {
  if (known.length === 0) return "";
  const lower = name.toLowerCase();
  const close = known
    .map((k) => ({ k, d: editDistance(lower, k.toLowerCase()) }))
    .filter(({ d }) => d <= Math.max(1, Math.floor(name.length / 4)))
    .sort((a, b) => a.d - b.d)[0];
  if (close) return ` (did you mean "${close.k}"?)`;
  return ` (allowed: ${known.join(", ")})`;
}

/**
 * Edits between two names, counting a swap of neighbours as one (the commonest
 * typo: `imgae`). Names are short, so the quadratic table is fine.
 */
function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Infinity;
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
