// Which watched repositories a webhook's URLs name. Hosts give a repository
// several URLs (https, ssh://, scp-like git@host:org/repo.git, the web page),
// so each is reduced to host and path: no scheme, user, port or `.git`, host
// and path compared without case. A watched repository may be given in any of
// those forms too (`--repo` an HTTPS URL or an SSH location, issue 16), and
// the payload's form need not be the same. Matching errs toward a match: a
// false one costs one extra fetch, a missed one loses the push until the next
// poll. So a path also matches one it ends with, two segments or more: the
// HTTPS URL of a host served under a prefix (`https://host/gitea/org/repo`,
// Bitbucket Server's `/scm/`) against its SSH URL (`git@host:org/repo`).
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
  // Only remotes are compared: a path is watched on disk and a webhook means nothing to it.
  if (!isRemote(location)) return false;
  const key = repoKey(location);
  return key !== undefined && urls.some((u) => sameRepository(key, repoKey(u)));
}

/** HTTP(S) URLs and SSH locations (`ssh://`, `git+ssh://`, scp-like `user@host:path`), as --repo takes them. */
function isRemote(location: string): boolean {
  return (
    /^(?:https?|ssh|git\+ssh|ssh\+git):\/\//i.test(location) ||
    /^[^@/:]+@(?:\[[^\]]+\]|[^/:[\]]+):(?!\/\/)./.test(location)
  );
}

/** Same host, and the same path or one path the other's end (two segments or more). */
function sameRepository(a: string, b: string | undefined): boolean {
  if (b === undefined) return false;
  if (a === b) return true;
  const [hostA, ...pathA] = a.split("/");
  const [hostB, ...pathB] = b.split("/");
  if (hostA !== hostB) return false;
  const [short, long] = pathA.length <= pathB.length ? [pathA, pathB] : [pathB, pathA];
  return short.length >= 2 && long.slice(-short.length).join("/") === short.join("/");
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
