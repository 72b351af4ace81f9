// Links from the dashboard to the Git host's web UI (issue 13): a commit, and
// a line of a file at a commit, where the repository URL says which host it
// is. Pure: the repository URL in, a URL or undefined out (then the page shows
// plain text). Self-hosted instances are recognised by a host name that
// starts with the product's name (gitlab.example.com); anything else, and
// local paths, get no link.

export type GitHost = "github" | "gitlab" | "gitea" | "bitbucket";

export interface WebRepo {
  host: GitHost;
  /** The repository's page, e.g. https://github.com/acme/shop */
  base: string;
}

const knownHosts: Record<string, GitHost> = {
  "github.com": "github",
  "gitlab.com": "gitlab",
  "bitbucket.org": "bitbucket",
  "codeberg.org": "gitea",
  "gitea.com": "gitea",
};

const firstLabels: Record<string, GitHost> = {
  github: "github",
  gitlab: "gitlab",
  gitea: "gitea",
  forgejo: "gitea",
};

function hostKind(hostname: string): GitHost | undefined {
  const name = hostname.toLowerCase();
  return knownHosts[name] ?? firstLabels[name.split(".")[0] ?? ""];
}

/** The web UI of a repository URL (https, http, ssh://, or scp-like git@host:path). */
export function webRepo(url: string): WebRepo | undefined {
  let scheme = "https";
  let hostname: string;
  let repoPath: string;
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(url);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    if (parsed.protocol === "http:") scheme = "http";
    else if (parsed.protocol !== "https:" && parsed.protocol !== "ssh:") return undefined;
    hostname = parsed.hostname;
    // The web UI is on the default port even when SSH is not.
    const port = parsed.protocol === "ssh:" || !parsed.port ? "" : `:${parsed.port}`;
    hostname += port;
    repoPath = parsed.pathname;
  } else if (scp && !url.startsWith("/") && !url.startsWith(".")) {
    hostname = scp[1]!;
    repoPath = `/${scp[2]}`;
  } else {
    return undefined;
  }
  const host = hostKind(hostname.replace(/:\d+$/, ""));
  const cleanPath = repoPath.replace(/\/+$/, "").replace(/\.git$/i, "");
  if (!host || !/^\/[^/]+\/.+/.test(cleanPath) || cleanPath.includes("..")) return undefined;
  return { host, base: `${scheme}://${hostname}${cleanPath}` };
}

const isCommit = (sha: string) => /^[0-9a-f]{7,40}$/.test(sha);

export function commitUrl(repo: string, sha: string): string | undefined {
  const web = webRepo(repo);
  if (!web || !isCommit(sha)) return undefined;
  switch (web.host) {
    case "github":
    case "gitea":
      return `${web.base}/commit/${sha}`;
    case "gitlab":
      return `${web.base}/-/commit/${sha}`;
    case "bitbucket":
      return `${web.base}/commits/${sha}`;
  }
}

/** A line of a file at a commit. */
export function fileLineUrl(
  repo: string,
  sha: string,
  file: string,
  line: number,
): string | undefined {
  const web = webRepo(repo);
  if (!web || !isCommit(sha) || !Number.isInteger(line) || line < 1) return undefined;
  const segments = file.split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) return undefined;
  const path = segments.map(encodeURIComponent).join("/");
  switch (web.host) {
    case "github":
      return `${web.base}/blob/${sha}/${path}#L${line}`;
    case "gitlab":
      return `${web.base}/-/blob/${sha}/${path}#L${line}`;
    case "gitea":
      return `${web.base}/src/commit/${sha}/${path}#L${line}`;
    case "bitbucket":
      return `${web.base}/src/${sha}/${path}#lines-${line}`;
  }
}

export interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** Splits an error's text into its lines, each with its `file:line:col` when it has one. */
export function problemLines(text: string): (Problem | { message: string })[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const m = /^([^\s:][^:]*):(\d+):(\d+): (.*)$/.exec(l);
      return m
        ? { file: m[1]!, line: Number(m[2]), col: Number(m[3]), message: m[4]! }
        : { message: l };
    });
}
