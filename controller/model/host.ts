// Host names as an Ingress and a browser see them. Used by the schema's `host`
// format (environment hostNames) and by route rules (Host matchers).
import { isIP } from "node:net";

const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A lowercase DNS name (RFC 1123): dot-separated labels of at most 63, 253 in all. */
export function isHostName(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  return s.split(".").every((part) => part.length <= 63 && label.test(part));
}

/** A host name or an IPv4 or IPv6 address. */
export function isHost(s: string): boolean {
  return isHostName(s) || isIP(s) !== 0;
}
