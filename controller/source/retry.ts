// Bounded retries with exponential backoff and jitter, for network calls that
// may pass on a second try (timeouts, resets, 5xx, a pack cut short): the
// error says which (`retryable`, controller/errors.ts).
import { setTimeout as sleep } from "node:timers/promises";
import { retryable } from "../errors.js";

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Delay before the second try; doubled for each one after, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = Object.freeze({
  attempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 2000,
});

/**
 * Runs `attempt` until it succeeds, fails with an error that is not
 * `retryable`, or the attempts run out; then throws the last error.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (n >= policy.attempts || !retryable(err)) throw err;
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
      // Half fixed, half random: spread retries of many sources apart.
      const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
      onRetry?.(err, n, delay);
      await sleep(delay);
    }
  }
}
