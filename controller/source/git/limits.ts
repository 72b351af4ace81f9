// How much a Git server may make us hold, and for how long (issue 16). Every
// size a server states (an object, a delta's base and result, a pkt-line, the
// number of refs and objects, the bytes of a response) is checked against these
// before anything is allocated for it, and a response is cut when it runs past
// its deadline or slows to a drip. Each is a PackLimitError: SourceUnavailable,
// not retried (the same server sends the same thing again), the last good state
// kept.
import { KubefoxError } from "../../errors.js";

export interface PackLimits {
  /**
   * Largest object (whole, or a delta's base or result), inflated. Held whole
   * in memory while it is hashed or a delta applied to it.
   */
  maxObjectBytes: number;
  /** Objects in one pack: the indexer keeps about 200 bytes of bookkeeping per object. */
  maxObjects: number;
  /** Bytes of one upload-pack response (the pack, progress and framing). */
  maxPackBytes: number;
  /** Bytes of a ref advertisement (held whole while it is parsed). */
  maxAdvertisementBytes: number;
  /** Refs in an advertisement. */
  maxRefs: number;
  /** A fetch (advertisement and pack) must be over by then, in ms. */
  deadlineMs: number;
  /** In every window this long (ms), the server must send at least `minWindowBytes`. */
  windowMs: number;
  minWindowBytes: number;
  /** Inflated bytes of deltas and bases the indexer keeps in memory; the rest is read back from disk. */
  cacheBytes: number;
}

const MiB = 1024 * 1024;

/**
 * Why these numbers: the controller runs with a 512 MiB memory limit. GitHub
 * refuses files over 100 MiB, and a deployment repository holds YAML, so no
 * legitimate object comes near it; an object and a delta result beside it is
 * then at most ~200 MiB. A pack of 2 GiB and 250,000 objects is far beyond a
 * repository of platform files (the 5,000-commit benchmark repository has
 * 25,000 objects) and bounds the indexer's bookkeeping to ~50 MiB. Git limits
 * a pkt-line to 65,520 bytes itself. Ten minutes covers a 2 GiB pack at
 * 4 MB/s; 1 KiB per 30 s is what any live link sends, and a byte every second
 * is not.
 */
export const defaultPackLimits: PackLimits = Object.freeze({
  maxObjectBytes: 100 * MiB,
  maxObjects: 250_000,
  maxPackBytes: 2048 * MiB,
  maxAdvertisementBytes: 32 * MiB,
  maxRefs: 200_000,
  deadlineMs: 10 * 60_000,
  windowMs: 30_000,
  minWindowBytes: 1024,
  cacheBytes: 16 * MiB,
});

/** A server's answer went past one of our limits: refused, and not retried. */
export class PackLimitError extends KubefoxError {
  readonly code = "SourceUnavailable";
  readonly retry = "never";
}

/** Throws when a size the server states passes its limit. */
export function checkSize(what: string, size: number, limit: number): void {
  if (size > limit) {
    throw new PackLimitError(
      `${what} is ${formatBytes(size)}, over the limit of ${formatBytes(limit)}`,
    );
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * MiB) return `${+(n / (1024 * MiB)).toFixed(1)} GiB`;
  if (n >= MiB) return `${+(n / MiB).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/**
 * Passes a response body through, cut when it passes `maxBytes`, runs past
 * the deadline, or sends fewer than `minWindowBytes` in a window of `windowMs`
 * (a drip that an idle timeout alone never catches). Checked as each chunk
 * arrives; a server that sends nothing at all is the HTTP client's idle timeout.
 */
export async function* guardStream(
  body: AsyncIterable<Uint8Array>,
  limits: Pick<PackLimits, "deadlineMs" | "windowMs" | "minWindowBytes">,
  maxBytes: number,
  what: string,
  now: () => number = Date.now,
): AsyncGenerator<Uint8Array, void, undefined> {
  const start = now();
  let total = 0;
  let windowStart = start;
  let windowBytes = 0;
  for await (const chunk of body) {
    const t = now();
    total += chunk.length;
    windowBytes += chunk.length;
    if (total > maxBytes) {
      throw new PackLimitError(`${what} is over the limit of ${formatBytes(maxBytes)}`);
    }
    if (t - start > limits.deadlineMs) {
      throw new PackLimitError(
        `${what} did not end within ${limits.deadlineMs / 1000}s (${formatBytes(total)} so far)`,
      );
    }
    if (t - windowStart >= limits.windowMs) {
      if (windowBytes < limits.minWindowBytes) {
        throw new PackLimitError(
          `${what} slowed to ${windowBytes} bytes in ${((t - windowStart) / 1000).toFixed(1)}s, under the minimum of ${formatBytes(limits.minWindowBytes)} per ${limits.windowMs / 1000}s`,
        );
      }
      windowStart = t;
      windowBytes = 0;
    }
    yield chunk;
  }
}
