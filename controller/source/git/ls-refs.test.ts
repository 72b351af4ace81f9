import { describe, expect, it } from "vitest";
import { lsRefsRequest, parseLsRefs } from "./ls-refs.js";
import { parseCapabilities } from "./protocol-v2.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);
const lines = (...text: string[]) => text.map((t) => Buffer.from(`${t}\n`));

describe("lsRefsRequest", () => {
  it("asks for HEAD, branches and tags, peeled, with symrefs", () => {
    const server = parseCapabilities(lines("ls-refs=unborn", "fetch"));
    expect(lsRefsRequest(server, "git/test").toString()).toBe(
      "0014command=ls-refs\n" +
        "0001" +
        "0009peel\n" +
        "000csymrefs\n" +
        "0014ref-prefix HEAD\n" +
        "001bref-prefix refs/heads/\n" +
        "001aref-prefix refs/tags/\n" +
        "0000",
    );
  });
});

describe("parseLsRefs", () => {
  it("reads branches, tags peeled all the way and HEAD's target", () => {
    const result = parseLsRefs(
      lines(
        `${A} HEAD symref-target:refs/heads/main`,
        `${A} refs/heads/main`,
        `${B} refs/heads/feature/ünïcode`,
        `${C} refs/tags/v1.0.0 peeled:${A}`,
        `${A} refs/tags/light`,
        `${B} refs/pull/1/head`,
      ),
    );
    expect(result.head).toBe("refs/heads/main");
    expect(result.headOid).toBe(A);
    expect(Object.fromEntries(result.listing)).toEqual({
      "refs/heads/main": { oid: A, peeled: A },
      "refs/heads/feature/ünïcode": { oid: B, peeled: B },
      "refs/tags/v1.0.0": { oid: C, peeled: A },
      "refs/tags/light": { oid: A, peeled: A },
    });
  });

  it("leaves HEAD unknown when it is detached", () => {
    const result = parseLsRefs(lines(`${A} HEAD`, `${B} refs/heads/main`));
    expect(result.head).toBeUndefined();
    expect(result.headOid).toBe(A);
  });

  it.each([
    ["not a ref line"],
    [`${A.slice(1)} refs/heads/x`],
    [`${A} refs/tags/x peeled:zz`],
    ["ERR nope"],
  ])("refuses %j", (line) => {
    expect(() => parseLsRefs(lines(line))).toThrow();
  });
});
