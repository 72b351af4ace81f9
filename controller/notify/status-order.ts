// Which commit status may follow which (issue 14): sent only when something
// changed (state or description), and a late `pending` never overwrites a
// `success` for the same commit and context. Pure.

/** Is `next` worth sending after `latest`: not a repeat, and never pending over success. */
export function wanted(
  latest: { state: string; description: string } | undefined,
  next: { state: string; description: string },
): boolean {
  if (!latest) return true;
  if (latest.state === next.state && latest.description === next.description) return false;
  return !(latest.state === "success" && next.state === "pending");
}
