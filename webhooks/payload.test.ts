import { describe, expect, it } from "vitest";
import { parsePayload } from "./payload.js";

describe("parsePayload", () => {
  it("reads JSON whatever the content type says", () => {
    expect(parsePayload(Buffer.from('{"a":1}'), "application/json")).toEqual({
      ok: true,
      value: { a: 1 },
    });
    expect(parsePayload(Buffer.from('{"a":1}'), undefined)).toEqual({ ok: true, value: { a: 1 } });
  });

  it("reads the payload field of a form (GitHub's and Gitea's form content type)", () => {
    const body = Buffer.from(`payload=${encodeURIComponent('{"ref":"refs/heads/main"}')}`);
    expect(parsePayload(body, "application/x-www-form-urlencoded")).toEqual({
      ok: true,
      value: { ref: "refs/heads/main" },
    });
  });

  it.each([
    ["{not json", "application/json", /not valid JSON/],
    ["", "application/json", /empty/],
    ["other=1", "application/x-www-form-urlencoded", /no payload field/],
  ])("refuses %j (%s)", (body, type, message) => {
    const parsed = parsePayload(Buffer.from(body), type);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(message);
  });
});
