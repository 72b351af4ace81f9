// The status API's optional bearer token (issue 6): `Authorization: Bearer
// <token>`, compared in constant time. Without a token configured the API is
// open; /healthz and /readyz are always open (probes carry no token), and the
// webhooks carry their own signatures instead.
import { tokensEqual } from "../signature.js";

export function bearerAllowed(
  authorization: string | undefined,
  token: string | undefined,
): boolean {
  if (token === undefined) return true;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? "");
  return tokensEqual(match?.[1], token);
}

/** Paths that never ask for the token. */
export function isOpenPath(path: string): boolean {
  return path === "/healthz" || path === "/readyz" || path.startsWith("/webhooks/");
}
