// Where a repository's commit statuses go (issue 14): its provider and API
// base, derived from the repository URL for the public hosts, or from a
// `--status-api HOST=PROVIDER[:BASE]` override for self-hosted ones. Pure.
import { parseRepoUrl, type RepoUrl } from "./repo-url.js";

export const statusProviders = [
  "github",
  "gitlab",
  "gitea",
  "bitbucket-cloud",
  "bitbucket-server",
] as const;

export type StatusProvider = (typeof statusProviders)[number];

/** A self-hosted host's provider, and its API base when not the provider's usual one. */
export interface StatusApiOverride {
  /** `host` or `host:port`, as in the repository URL. */
  readonly host: string;
  readonly provider: StatusProvider;
  readonly apiBase?: string;
}

export interface StatusTarget {
  provider: StatusProvider;
  /** The API's root, without a trailing slash, e.g. https://api.github.com. */
  apiBase: string;
  /** The repository's path on its host: owner and name (GitLab: every group). */
  segments: string[];
  /** `host` or `host:port`, for token lookup. */
  host: string;
  /** The repository's web page: a link where a provider needs one and no public URL is set. */
  webUrl: string;
}

const publicHosts: Record<string, { provider: StatusProvider; apiBase: string }> = {
  "github.com": { provider: "github", apiBase: "https://api.github.com" },
  "gitlab.com": { provider: "gitlab", apiBase: "https://gitlab.com/api/v4" },
  "bitbucket.org": { provider: "bitbucket-cloud", apiBase: "https://api.bitbucket.org/2.0" },
  "codeberg.org": { provider: "gitea", apiBase: "https://codeberg.org/api/v1" },
  "gitea.com": { provider: "gitea", apiBase: "https://gitea.com/api/v1" },
};

/** The usual API base of a self-hosted provider at `origin`. */
export function defaultApiBase(provider: StatusProvider, origin: string): string {
  switch (provider) {
    case "github":
      return `${origin}/api/v3`; // GitHub Enterprise Server
    case "gitlab":
      return `${origin}/api/v4`;
    case "gitea":
      return `${origin}/api/v1`;
    case "bitbucket-cloud":
      return "https://api.bitbucket.org/2.0";
    case "bitbucket-server":
      return `${origin}/rest`;
  }
}

/** Where the repository's statuses go; undefined when nothing says (then nothing is sent). */
export function statusTarget(
  repoUrl: string,
  overrides: readonly StatusApiOverride[] = [],
): StatusTarget | undefined {
  const url = parseRepoUrl(repoUrl);
  if (!url) return undefined;
  const override =
    overrides.find((o) => o.host.toLowerCase() === url.host) ??
    overrides.find((o) => o.host.toLowerCase() === url.hostname);
  const origin = `${url.scheme}://${url.host}`;
  const known = override
    ? {
        provider: override.provider,
        apiBase: override.apiBase ?? defaultApiBase(override.provider, origin),
      }
    : publicHosts[url.hostname];
  if (!known) return undefined;
  const segments = repoSegments(known.provider, url);
  if (!segments) return undefined;
  return {
    provider: known.provider,
    apiBase: known.apiBase.replace(/\/+$/, ""),
    segments,
    host: url.host,
    webUrl: webUrl(known.provider, origin, segments),
  };
}

/** The path as the provider's API names the repository; undefined when it cannot. */
function repoSegments(provider: StatusProvider, url: RepoUrl): string[] | undefined {
  let segments = url.segments;
  // Bitbucket Data Center clones over HTTPS from /scm/<project>/<repo>.git.
  if (provider === "bitbucket-server" && segments[0]?.toLowerCase() === "scm")
    segments = segments.slice(1);
  if (provider === "gitlab") return segments.length >= 2 ? segments : undefined;
  return segments.length === 2 ? segments : undefined;
}

function webUrl(provider: StatusProvider, origin: string, segments: string[]): string {
  const [first, second] = segments.map(encodeURIComponent);
  if (provider === "bitbucket-server") return `${origin}/projects/${first}/repos/${second}`;
  return `${origin}/${segments.map(encodeURIComponent).join("/")}`;
}
