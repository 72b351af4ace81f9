// Credentials for an HTTPS Git server. The CLI reads them from the environment
// or a file (never from a flag's value, DESIGN §7) and hands them in; from here
// they only ever go into an Authorization header: never into a URL on disk, a
// log line, an error message or a status.

/** A token (sent as the password of `username`, default `x-access-token`), or a user and password. */
export type GitCredentials =
  | { readonly token: string; readonly username?: string }
  | { readonly username: string; readonly password: string };

/**
 * HTTP basic auth, the one scheme every Git host takes: GitHub, GitLab, Gitea
 * and Bitbucket all accept a token as the password (GitLab and Gitea ignore the
 * user name; Bitbucket wants `x-token-auth`, so give `username` for it).
 */
export function authorizationHeader(credentials: GitCredentials): string {
  const [user, password] =
    "token" in credentials
      ? [credentials.username ?? "x-access-token", credentials.token]
      : [credentials.username, credentials.password];
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

/**
 * Takes `user:password@` out of a URL, so what is kept and shown is the bare
 * URL. Credentials handed in explicitly win over ones found in the URL.
 */
export function splitUrlCredentials(raw: string): { url: string; credentials?: GitCredentials } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { url: raw };
  }
  if (!u.username && !u.password) return { url: raw };
  const username = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  u.username = "";
  u.password = "";
  const credentials: GitCredentials = password ? { username, password } : { token: username };
  return { url: u.toString(), credentials };
}
