// A repository URL taken apart for the Git host's API (issue 14): https,
// ssh:// and scp-like `user@host:path` all give the same host and path. Pure.

export interface RepoUrl {
  /** `http` for an http:// URL, else `https` (ssh hosts serve their API over HTTPS). */
  scheme: "http" | "https";
  /** Host name, lower-case, without port. */
  hostname: string;
  /** Host with the port of an http(s) URL (an ssh port says nothing about the API's). */
  host: string;
  /** Path segments, `.git` dropped from the last. */
  segments: string[];
}

export function parseRepoUrl(url: string): RepoUrl | undefined {
  const text = url.trim();
  const withScheme =
    /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^/:?#]+)(?::(\d*))?(\/[^?#]*)?/i.exec(text);
  const scpLike = /^(?:[^@/:]+@)?([^/:]+):(?!\/\/)([^?#]*)$/.exec(text);
  let scheme: RepoUrl["scheme"] = "https";
  let hostname: string;
  let port = "";
  let path: string;
  if (withScheme) {
    const given = withScheme[1]!.toLowerCase();
    if (!["http", "https", "ssh", "git+ssh"].includes(given)) return undefined;
    if (given === "http") scheme = "http";
    hostname = withScheme[2]!.toLowerCase();
    if (given === "http" || given === "https") port = withScheme[3] ?? "";
    path = withScheme[4] ?? "";
  } else if (scpLike) {
    hostname = scpLike[1]!.toLowerCase();
    path = scpLike[2]!;
  } else {
    return undefined;
  }
  const segments = path
    .split("/")
    .filter((s) => s !== "")
    .map(safeDecode);
  if (segments.length === 0) return undefined;
  segments[segments.length - 1] = segments.at(-1)!.replace(/\.git$/i, "");
  return { scheme, hostname, host: port ? `${hostname}:${port}` : hostname, segments };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
