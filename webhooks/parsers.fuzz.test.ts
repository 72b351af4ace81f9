// Property tests (fast-check) of the webhook payload parsers (issue 16): for
// any body, and for real payloads with fields replaced by anything JSON can
// hold, parsing never throws and always ends in one of the answers a provider
// gives (a push with URLs, a ping, ignored, invalid).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePayload } from "./payload.js";
import type { Provider, WebhookEvent } from "./provider.js";
import { providers } from "./providers.js";

const fixtures = path.resolve(import.meta.dirname, "../test/fixtures/webhooks");
const real = readdirSync(fixtures, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(path.join(fixtures, d.name)).map(
      (f) => JSON.parse(readFileSync(path.join(fixtures, d.name, f), "utf8")) as unknown,
    ),
  );

/** Every header a provider looks at, with the values that select a push. */
const pushHeaders: Record<string, Record<string, string>[]> = {
  github: [{ "x-github-event": "push" }, { "x-github-event": "ping" }],
  gitea: [{ "x-gitea-event": "push" }],
  gitlab: [
    { "x-gitlab-event": "Push Hook" },
    { "x-gitlab-event": "Tag Push Hook" },
    { "x-gitlab-event": "System Hook" },
  ],
  bitbucket: [{ "x-event-key": "repo:push" }, { "x-event-key": "repo:refs_changed" }],
  generic: [{}],
};

/** A real payload with the values at a few paths replaced by anything. */
const mutatedReal = fc
  .record({
    base: fc.constantFrom(...real),
    edits: fc.array(fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.jsonValue()), {
      maxLength: 4,
    }),
  })
  .map(({ base, edits }) => {
    const copy = structuredClone(base);
    for (const [walk, value] of edits) {
      let node: unknown = copy;
      for (let i = 0; i < walk.length; i++) {
        if (typeof node !== "object" || node === null) break;
        const keys = Object.keys(node);
        if (keys.length === 0) break;
        const key = keys[walk[i]! % keys.length]!;
        if (i === walk.length - 1) (node as Record<string, unknown>)[key] = value;
        else node = (node as Record<string, unknown>)[key];
      }
    }
    return copy;
  });

function checkEvent(event: WebhookEvent): void {
  expect(["push", "ping", "ignored", "invalid"]).toContain(event.kind);
  if (event.kind === "push") {
    expect(event.cloneUrls.length).toBeGreaterThan(0);
    expect(event.cloneUrls.every((u) => typeof u === "string" && u !== "")).toBe(true);
    for (const field of [event.ref, event.commit, event.repository])
      expect(field === undefined || typeof field === "string").toBe(true);
  }
}

describe("webhook payload parsers", () => {
  it("never throw on any body, JSON or form", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 256 }).map((a) => Buffer.from(a)),
          fc.string().map((s) => Buffer.from(s)),
        ),
        fc.constantFrom(undefined, "application/json", "application/x-www-form-urlencoded"),
        (body, type) => {
          const parsed = parsePayload(body, type);
          expect(typeof parsed.ok).toBe("boolean");
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([...providers.values()].map((p): [string, Provider] => [p.name, p]))(
    "%s: any JSON, and real payloads mutated, give one of its answers",
    (name, provider) => {
      fc.assert(
        fc.property(
          fc.oneof(fc.jsonValue(), mutatedReal),
          fc.constantFrom(...pushHeaders[name]!),
          (payload, headers) => checkEvent(provider.parse(headers, payload)),
        ),
        { numRuns: 400 },
      );
    },
  );
});
