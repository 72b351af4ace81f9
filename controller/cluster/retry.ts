// Retries with exponential backoff and jitter for the failures that may pass:
// connection refused or reset, timeouts, and the errors that say so themselves
// (a KubeApiError for 429 or 5xx). Everything else fails at once.
import { KubefoxError } from "../errors.js";

export interface RetryOptions {
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
  /** Called before each wait, for logging. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  signal?: AbortSignal;
}

const transientCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_SOCKET",
]);

export function isTransient(err: unknown): boolean {
  // Our own errors know (a refused write of a replica that lost the Lease does not pass).
  if (err instanceof KubefoxError) return err.retry === "backoff";
  // The rest are Node's: a socket or a timeout.
  const e = err as {
    code?: string;
    type?: string;
    cause?: { code?: string };
    name?: string;
    message?: string;
  };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return true;
  if (e?.code && transientCodes.has(e.code)) return true;
  if (e?.cause?.code && transientCodes.has(e.cause.code)) return true;
  return (
    e?.type === "system" || /socket hang up|network|ECONNREFUSED|ECONNRESET/i.test(e?.message ?? "")
  );
}

export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(exp / 2 + Math.random() * (exp / 2));
}

export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 6;
  const baseMs = options.baseMs ?? 200;
  const maxMs = options.maxMs ?? 5000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt + 1 >= attempts || !isTransient(err) || options.signal?.aborted) throw err;
      const delay = backoffDelay(attempt, baseMs, maxMs);
      options.onRetry?.(err, attempt + 1, delay);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
