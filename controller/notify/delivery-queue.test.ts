import { describe, expect, it } from "vitest";
import { createLogger } from "../log.js";
import { DeliveryQueue, type Delivery, type DeliveryOutcome } from "./delivery-queue.js";
import type { HttpRequest } from "./http-request.js";
import type { Answer } from "./retry.js";

const policy = { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

function setup(answers: (request: HttpRequest) => Answer | Promise<Answer>) {
  const lines: string[] = [];
  const sent: string[] = [];
  const outcomes: DeliveryOutcome[] = [];
  const queue = new DeliveryQueue({
    send: async (request) => {
      sent.push(request.body);
      return answers(request);
    },
    log: createLogger({ level: "debug", write: (l) => lines.push(l) }),
    onOutcome: (o) => outcomes.push(o),
    policy,
  });
  const delivery = (lane: string, body: string, over: Partial<Delivery> = {}): Delivery => ({
    lane,
    host: "h",
    provider: "github",
    kind: "commit-status",
    describe: `${lane} ${body}`,
    request: () => ({ method: "POST", url: "http://h/x", headers: {}, body }),
    secrets: ["tok-secret"],
    ...over,
  });
  return { queue, delivery, lines, sent, outcomes };
}

const ok: Answer = { status: 201, headers: {} };

describe("DeliveryQueue", () => {
  it("delivers one lane in order, through 500, 429 with Retry-After and a network error", async () => {
    const script: Answer[] = [
      { status: 500, headers: {} },
      { status: 429, headers: { "retry-after": "0" } },
      { error: "no answer within 10s" },
    ];
    const { queue, delivery, sent, outcomes } = setup(() => script.shift() ?? ok);
    queue.push(delivery("ctx", "pending"));
    queue.push(delivery("ctx", "success"));
    await queue.idle();
    expect(sent).toEqual(["pending", "pending", "pending", "pending", "success"]);
    expect(outcomes.map((o) => o.result)).toEqual(["failed", "failed", "failed", "sent", "sent"]);
  });

  it("gives up on a 4xx at once, with one error log that holds no secret", async () => {
    const { queue, delivery, lines, sent, outcomes } = setup(() => ({
      status: 404,
      headers: {},
    }));
    queue.push(delivery("ctx", "a"));
    await queue.idle();
    expect(sent).toEqual(["a"]);
    expect(outcomes.map((o) => o.result)).toEqual(["given_up"]);
    const errors = lines.filter((l) => l.includes('"level":"error"'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("answered 404");
    expect(lines.join("\n")).not.toContain("tok-secret");
  });

  it("gives up after its bound of tries", async () => {
    const { queue, delivery, sent, outcomes } = setup(() => ({
      error: "network error tok-secret",
    }));
    queue.push(delivery("ctx", "a"));
    await queue.idle();
    expect(sent).toHaveLength(policy.maxAttempts);
    expect(outcomes.at(-1)?.result).toBe("given_up");
  });

  it("skips what is no longer wanted when its turn comes", async () => {
    const { queue, delivery, sent, outcomes } = setup(() => ok);
    queue.push(delivery("ctx", "a", { wanted: () => false }));
    await queue.idle();
    expect(sent).toEqual([]);
    expect(outcomes.map((o) => o.result)).toEqual(["skipped"]);
  });

  it("keeps lanes apart: a stuck lane does not hold another", async () => {
    let release!: () => void;
    const stuck = new Promise<Answer>((resolve) => (release = () => resolve(ok)));
    const { queue, delivery, sent } = setup((r) => (r.body === "slow" ? stuck : ok));
    queue.push(delivery("one", "slow", { host: "h1" }));
    queue.push(delivery("two", "fast", { host: "h2" }));
    await new Promise((r) => setTimeout(r, 20));
    expect(sent).toEqual(["slow", "fast"]);
    release();
    await queue.idle();
  });

  it("refuses beyond its bound", () => {
    const lines: string[] = [];
    const queue = new DeliveryQueue({
      send: () => new Promise<Answer>(() => undefined),
      log: createLogger({ write: (l) => lines.push(l) }),
      maxQueued: 1,
    });
    const d = {
      lane: "l",
      host: "h",
      provider: "slack",
      kind: "alert" as const,
      describe: "x",
      request: () => ({ method: "POST" as const, url: "http://h", headers: {}, body: "" }),
      secrets: [],
    };
    expect(queue.push(d)).toBe(true);
    expect(queue.push(d)).toBe(false);
    expect(lines.join("")).toContain("the delivery queue is full");
    queue.close();
  });
});
