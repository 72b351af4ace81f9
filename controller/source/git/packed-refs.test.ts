import { describe, expect, it } from "vitest";
import { formatPackedRefs, parsePackedRefs } from "./packed-refs.js";

const a = "a".repeat(40);
const b = "b".repeat(40);
const c = "c".repeat(40);

describe("packed-refs", () => {
  it("reads ids, peeled lines and the fully-peeled trait as git writes them", () => {
    const text = [
      "# pack-refs with: peeled fully-peeled sorted ",
      `${a} refs/heads/main`,
      `${b} refs/tags/v1`,
      `^${c}`,
      "garbage line",
      `${c} refs/tags/ünï`,
      "",
    ].join("\n");
    const parsed = parsePackedRefs(text);
    expect(parsed.fullyPeeled).toBe(true);
    expect([...parsed.refs]).toEqual([
      ["refs/heads/main", { oid: a }],
      ["refs/tags/v1", { oid: b, peeled: c }],
      ["refs/tags/ünï", { oid: c }],
    ]);
  });

  it("writes names sorted by their UTF-8 bytes, as git requires, and reads back the same", () => {
    const refs = new Map([
      ["refs/tags/\u{1F600}", { oid: a }], // a surrogate pair in UTF-16, 4 bytes in UTF-8
      ["refs/tags/\uFFFD", { oid: b, peeled: c }],
      ["refs/heads/main", { oid: c }],
    ]);
    const text = formatPackedRefs(refs);
    expect(text.split("\n").slice(1, 5)).toEqual([
      `${c} refs/heads/main`,
      `${b} refs/tags/\uFFFD`,
      `^${c}`,
      `${a} refs/tags/\u{1F600}`,
    ]);
    expect(parsePackedRefs(text).refs).toEqual(refs);
  });
});
