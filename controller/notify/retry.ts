// What to do after one try of a delivery (issue 14), as a pure function of the
// answer: done; try again after a delay (5xx, network errors, 429, GitHub's
// x-ratelimit-* on 403, Retry-After); or give up (another 4xx, a bad URL, or
// the bound of tries reached).

export type Answer =
  | { status: number; headers: Readonly<Record<string, string>> }
  /** The request did not get an answer (refused, reset, timed out): safe text, no URL. */
  | { error: string }
  /** The request cannot be made at all (a receiver URL that is not http(s)). */
  | { fatal: string };

export type Decision =
  | { kind: "done" }
  /** `hostWide`: the host said to slow down: every delivery to it waits. */
  | { kind: "retry"; afterMs: number; reason: string; hostWide: boolean }
  | { kind: "give-up"; reason: string };

export interface RetryPolicy {
  /** Tries in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
};

export function decide(
  answer: Answer,
  attempt: number,
  nowMs: number,
  policy: RetryPolicy = defaultRetryPolicy,
): Decision {
  if ("fatal" in answer) return { kind: "give-up", reason: answer.fatal };
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const last = attempt >= policy.maxAttempts;
  const retry = (reason: string, afterMs: number, hostWide = false): Decision =>
    last
      ? { kind: "give-up", reason: `${reason}; gave up after ${attempt} tries` }
      : { kind: "retry", afterMs: Math.max(0, afterMs), reason, hostWide };
  if ("error" in answer) return retry(answer.error, backoff);
  const { status, headers } = answer;
  if (status >= 200 && status < 300) return { kind: "done" };
  const waitMs = rateLimitWait(headers, nowMs);
  if (status === 429) return retry("answered 429", waitMs ?? backoff, true);
  if (status === 403 && waitMs !== undefined) return retry("rate limited (403)", waitMs, true);
  if (status >= 500) return retry(`answered ${status}`, waitMs ?? backoff);
  return { kind: "give-up", reason: `answered ${status}` };
}

/**
 * How long the host asks to wait, in ms: `Retry-After` (seconds or an HTTP
 * date), or, once `x-ratelimit-remaining` is 0, until `x-ratelimit-reset`
 * (epoch seconds). Capped at 15 minutes.
 */
export function rateLimitWait(
  headers: Readonly<Record<string, string>>,
  nowMs: number,
): number | undefined {
  const cap = (ms: number) => Math.min(15 * 60_000, Math.max(0, ms));
  const retryAfter = headers["retry-after"];
  if (retryAfter !== undefined) {
    if (/^\d+(\.\d+)?$/.test(retryAfter.trim())) return cap(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return cap(at - nowMs);
  }
  if (headers["x-ratelimit-remaining"] === "0") {
    const reset = Number(headers["x-ratelimit-reset"]);
    if (Number.isFinite(reset) && reset > 0) return cap(reset * 1000 - nowMs + 1000);
    return 60_000;
  }
  return undefined;
}
