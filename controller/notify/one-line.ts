// Text for a commit status's description or an alert's first line: one line,
// short enough for every provider (GitHub shows about 140 characters).

export function oneLine(text: string, max = 140): string {
  const first = (text.split("\n").find((l) => l.trim() !== "") ?? "").replace(/\s+/g, " ").trim();
  return first.length <= max ? first : `${first.slice(0, max - 1)}…`;
}
