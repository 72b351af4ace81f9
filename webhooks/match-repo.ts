// Which watched repositories a webhook's URLs name. Hosts give a repository
// several URLs (https, ssh://, scp-like git@host:org/repo.git, the web page),
// so each is reduced to host and path: no scheme, user, port or `.git`, host
// and path compared without case. Matching errs toward a match: a false one
// costs one extra fetch, a missed one loses the push until the next poll.
// Local paths have no host and match nothing: they are watched on disk.

/** `host/path` of a repository URL, lower-case; undefined when it has no host. */
export function repoKey(url: string): string | undefined {
  const text = url.trim();
  let host: string;
  let path: string;
  const withScheme =
    /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^/:?#]+)(?::\d*)?(\/[^?#]*)?/i.exec(text);
  // scp-like syntax: [user@]host:path, where the path does not start with "//".
  const scpLike = /^(?:[^@/:]+@)?([^/:]+):(?!\/\/)([^?#]*)$/.exec(text);
  if (withScheme) {
    host = withScheme[1]!;
    path = withScheme[2] ?? "";
  } else if (scpLike) {
    host = scpLike[1]!;
    path = scpLike[2]!;
  } else {
    return undefined;
  }
  const cleanPath = safeDecode(path)
    .split("/")
    .filter((part) => part !== "")
    .join("/")
    .replace(/\.git$/i, "");
  if (!host || !cleanPath) return undefined;
  return `${host.toLowerCase()}/${cleanPath.toLowerCase()}`;
}

/** Whether a watched location (as given to --repo) is one of `urls`. */
export function matchesRepository(location: string, urls: readonly string[]): boolean {
  // Only URLs are compared: a path is watched on disk and a webhook means nothing to it.
  if (!/^https?:\/\//i.test(location)) return false;
  const key = repoKey(location);
  return key !== undefined && urls.some((u) => repoKey(u) === key);
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
