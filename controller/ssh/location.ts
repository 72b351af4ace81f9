// Where an SSH repository is (issue 16), from what was given to --repo: the URL form
// `ssh://[user@]host[:port]/path` (also `git+ssh://`), or Git's scp-like form
// `user@host:path`, read as Git reads them (git/connect.c): the URL's path is
// percent-decoded and absolute unless it starts with `/~`; the scp-like path
// is taken as it is (relative to the user's home, as `org/repo.git` on Git
// hosts). Without a user, `git`: the user every Git host expects.

export interface SshLocation {
  user: string;
  /** A name or address; an IPv6 address without brackets. */
  host: string;
  port: number;
  /** What git-upload-pack is given. */
  path: string;
}

const URL_FORM =
  /^(?:ssh|git\+ssh|ssh\+git):\/\/(?:([^@/]+)@)?(\[[^\]]+\]|[^/:]+)(?::(\d*))?(\/.*)$/i;
// scp-like: user@host:path, no slash before the colon (else it is a local path).
const SCP_FORM = /^([^@/:]+)@(\[[^\]]+\]|[^/:[\]]+):(?!\/\/)(.+)$/;

/** Whether `location` names an SSH repository (it may still be malformed: see parseSshLocation). */
export function isSshLocation(location: string): boolean {
  return /^(?:ssh|git\+ssh|ssh\+git):\/\//i.test(location) || SCP_FORM.test(location);
}

/** The parts of an SSH location; undefined when it is not one or is malformed. */
export function parseSshLocation(location: string): SshLocation | undefined {
  const url = URL_FORM.exec(location);
  if (url) {
    const [, user, host, port, rawPath] = url;
    let path: string;
    try {
      path = decodeURIComponent(rawPath!);
    } catch {
      return undefined;
    }
    if (path.startsWith("/~")) path = path.slice(1);
    const portNumber = port ? Number(port) : 22;
    if (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) return undefined;
    if (user?.includes(":")) return undefined; // a password: never in a URL
    return finish(user ? safeDecode(user) : "git", host!, portNumber, path);
  }
  const scp = SCP_FORM.exec(location);
  if (scp) return finish(scp[1]!, scp[2]!, 22, scp[3]!);
  return undefined;
}

function finish(user: string, host: string, port: number, path: string): SshLocation | undefined {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (!bare || path === "/" || path === "") return undefined;
  return { user, host: bare, port, path };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The command line the server's shell runs: git's own quoting (quote.c
 * sq_quote_buf), single quotes with `'` and `!` escaped, which git-shell
 * and every Git host accept.
 */
export function uploadPackCommand(path: string): string {
  return `git-upload-pack '${path.replace(/'/g, "'\\''").replace(/!/g, "'\\!'")}'`;
}
