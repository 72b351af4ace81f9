// Status tokens (issue 14), read once by the CLI from `--status-token-file` or
// KUBEFOX_GITOPS_STATUS_TOKEN: a bare token on a line is every repository's;
// `HOST TOKEN` or `HOST/OWNER/REPO TOKEN` is one host's or one repository's,
// the longest match winning. Tokens only ever go into a request's headers.

export interface TokenEntry {
  /** `host`, `host:port` or `host/path`, lower-case. */
  readonly pattern: string;
  readonly token: string;
}

export interface StatusTokens {
  /** Every repository's token, unless a pattern matches. */
  readonly fallback?: string;
  readonly entries: readonly TokenEntry[];
}

/** Parses a token file; throws an Error naming the line (never its content) when one is odd. */
export function parseTokenFile(text: string): StatusTokens {
  let fallback: string | undefined;
  const entries: TokenEntry[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const words = line.split(/\s+/);
    if (words.length === 1) {
      if (fallback !== undefined) throw new Error(`line ${i + 1}: a second bare token`);
      fallback = words[0];
    } else if (words.length === 2) {
      entries.push({ pattern: words[0]!.toLowerCase().replace(/\/+$/, ""), token: words[1]! });
    } else {
      throw new Error(`line ${i + 1}: expected TOKEN or HOST[/PATH] TOKEN`);
    }
  });
  return { ...(fallback !== undefined ? { fallback } : {}), entries };
}

/** The token for a repository at `host` with path `segments`; undefined when none. */
export function tokenFor(
  tokens: StatusTokens,
  repo: { host: string; segments: readonly string[] },
): string | undefined {
  const hostname = repo.host.replace(/:\d+$/, "");
  const path = repo.segments.join("/").toLowerCase();
  const candidates = [repo.host, hostname].flatMap((h) => [`${h}/${path}`, h]);
  const match = tokens.entries
    .filter((e) => candidates.some((c) => c === e.pattern || c.startsWith(`${e.pattern}/`)))
    .sort((a, b) => b.pattern.length - a.pattern.length)[0];
  return match?.token ?? tokens.fallback;
}
