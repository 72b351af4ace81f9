import { describe, expect, it } from "vitest";
import { decide, type Answer } from "./retry.js";

const now = Date.parse("2026-11-27T20:00:00Z");
const policy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 8000 };
const answer = (status: number, headers: Record<string, string> = {}): Answer => ({
  status,
  headers,
});

describe("decide", () => {
  it.each<[string, Answer, number, ReturnType<typeof decide>]>([
    ["2xx is done", answer(201), 1, { kind: "done" }],
    [
      "500 backs off",
      answer(500),
      1,
      { kind: "retry", afterMs: 1000, reason: "answered 500", hostWide: false },
    ],
    [
      "503 backs off more each time",
      answer(503),
      3,
      { kind: "retry", afterMs: 4000, reason: "answered 503", hostWide: false },
    ],
    [
      "the backoff is capped",
      answer(502),
      4,
      { kind: "retry", afterMs: 8000, reason: "answered 502", hostWide: false },
    ],
    [
      "a network error backs off",
      { error: "network error ECONNREFUSED" },
      2,
      { kind: "retry", afterMs: 2000, reason: "network error ECONNREFUSED", hostWide: false },
    ],
    [
      "429 honours Retry-After seconds",
      answer(429, { "retry-after": "3" }),
      1,
      { kind: "retry", afterMs: 3000, reason: "answered 429", hostWide: true },
    ],
    [
      "429 honours Retry-After as a date",
      answer(429, { "retry-after": new Date(now + 5000).toUTCString() }),
      1,
      { kind: "retry", afterMs: 5000, reason: "answered 429", hostWide: true },
    ],
    [
      "GitHub's exhausted rate limit waits for the reset",
      answer(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 30) }),
      1,
      { kind: "retry", afterMs: 31_000, reason: "rate limited (403)", hostWide: true },
    ],
    [
      "403 without a rate limit is refused for good",
      answer(403),
      1,
      { kind: "give-up", reason: "answered 403" },
    ],
    ["404 gives up", answer(404), 1, { kind: "give-up", reason: "answered 404" }],
    ["400 gives up", answer(400), 1, { kind: "give-up", reason: "answered 400" }],
    [
      "a bad URL gives up at once",
      { fatal: "the URL is not a valid URL" },
      1,
      { kind: "give-up", reason: "the URL is not a valid URL" },
    ],
    [
      "the bound of tries gives up",
      answer(500),
      5,
      { kind: "give-up", reason: "answered 500; gave up after 5 tries" },
    ],
  ])("%s", (_what, a, attempt, expected) => {
    expect(decide(a, attempt, now, policy)).toEqual(expected);
  });
});
