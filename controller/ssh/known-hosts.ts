// Host keys checked as OpenSSH checks them (sshd(8) "SSH_KNOWN_HOSTS FILE
// FORMAT"), against a known_hosts file only: a host whose key is not there,
// or whose key differs from the one there, is refused with the key's SHA256
// fingerprint. No trust on first use (DESIGN §5). Host patterns may be
// hashed (`|1|salt|hash`, as `ssh-keyscan -H` writes), use `*`, `?` and `!`,
// and name a port as `[host]:port`. `@revoked` keys are refused;
// `@cert-authority` lines are skipped (host certificates are not supported).
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export interface KnownHostEntry {
  marker?: "revoked" | "cert-authority";
  /** Comma-separated patterns, or one hashed name. */
  hosts: string;
  keyType: string;
  key: Buffer;
}

export type KnownHosts = readonly KnownHostEntry[];

/** Every usable line of a known_hosts file; malformed lines are skipped, as OpenSSH does. */
export function parseKnownHosts(text: string): KnownHosts {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry["marker"];
    if (fields[0]!.startsWith("@")) {
      const name = fields.shift()!.slice(1);
      if (name !== "revoked" && name !== "cert-authority") continue;
      marker = name;
    }
    const [hosts, keyType, base64] = fields;
    if (!hosts || !keyType || !base64 || !/^[A-Za-z0-9+/]+=*$/.test(base64)) continue;
    const key = Buffer.from(base64, "base64");
    // The key blob names its own type first; a line that disagrees is damaged.
    if (blobType(key) !== keyType) continue;
    entries.push({ ...(marker ? { marker } : {}), hosts, keyType, key });
  }
  return entries;
}

/** `SHA256:<base64, no padding>` of a public key blob, as `ssh-keygen -l` prints it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
}

/** The name known_hosts uses for a host and port: `host`, or `[host]:port` off port 22. */
export function knownHostName(host: string, port: number): string {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return port === 22 ? bare : `[${bare}]:${port}`;
}

export type HostKeyVerdict =
  { trusted: true } | { trusted: false; why: "unknown" | "changed" | "revoked"; message: string };

/** Is `key` (the blob the server offered) a known key of `name` (knownHostName's)? */
export function checkHostKey(entries: KnownHosts, name: string, key: Buffer): HostKeyVerdict {
  const type = blobType(key) ?? "unknown";
  const offered = `${type} key ${fingerprint(key)}`;
  const forHost = entries.filter(
    (e) => e.marker !== "cert-authority" && hostMatches(e.hosts, name),
  );
  if (forHost.some((e) => e.marker === "revoked" && e.key.equals(key))) {
    return refuse(
      "revoked",
      `the host key of ${name} (${offered}) is marked @revoked in known_hosts`,
    );
  }
  const known = forHost.filter((e) => e.marker === undefined);
  if (known.some((e) => e.key.equals(key))) return { trusted: true };
  if (known.some((e) => e.keyType === type)) {
    return refuse(
      "changed",
      `the host key of ${name} has changed: it offered ${offered}, which is not the ${type} key known_hosts has for it (the host's key was replaced, or someone is in between)`,
    );
  }
  const others = [...new Set(known.map((e) => e.keyType))];
  const byAuthority = entries.some(
    (e) => e.marker === "cert-authority" && hostMatches(e.hosts, name),
  );
  return refuse(
    "unknown",
    `the host key of ${name} (${offered}) is not in known_hosts` +
      (others.length ? ` (which has only ${others.join(", ")} keys for it)` : "") +
      (byAuthority
        ? " (an @cert-authority line names it, but host certificates are not supported: list the host's own key)"
        : "") +
      "; add it after checking the fingerprint, e.g. with ssh-keyscan",
  );
}

/**
 * Host key algorithms for ssh2, those of the keys known for `name` first, as
 * OpenSSH orders them: the server then shows the key we can check.
 */
export function hostKeyAlgorithms(entries: KnownHosts, name: string): string[] {
  const all = [
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "rsa-sha2-512",
    "rsa-sha2-256",
    "ssh-rsa",
  ];
  const types = new Set(
    entries
      .filter((e) => e.marker === undefined && hostMatches(e.hosts, name))
      .map((e) => e.keyType),
  );
  const known = all.filter((alg) => types.has(alg.startsWith("rsa-sha2-") ? "ssh-rsa" : alg));
  return [...known, ...all.filter((alg) => !known.includes(alg))];
}

function refuse(why: "unknown" | "changed" | "revoked", message: string): HostKeyVerdict {
  return { trusted: false, why, message: `${message}: refused` };
}

/** OpenSSH's match_hostname: any pattern matches and no negated one does. */
export function hostMatches(patterns: string, name: string): boolean {
  if (patterns.startsWith("|1|")) return hashedMatches(patterns, name);
  let matched = false;
  for (const raw of patterns.split(",")) {
    const negated = raw.startsWith("!");
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (!wildcard(pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function hashedMatches(hashed: string, name: string): boolean {
  const [, , salt, hash] = hashed.split("|");
  if (!salt || !hash) return false;
  const wanted = Buffer.from(hash, "base64");
  const actual = createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest();
  return wanted.length === actual.length && timingSafeEqual(wanted, actual);
}

function wildcard(pattern: string, name: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${regex}$`).test(name);
}

/** The type a public key blob names (its first SSH string). */
function blobType(key: Buffer): string | undefined {
  if (key.length < 4) return undefined;
  const length = key.readUInt32BE(0);
  if (length > 64 || key.length < 4 + length) return undefined;
  return key.toString("latin1", 4, 4 + length);
}
