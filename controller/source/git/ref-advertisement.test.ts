import { describe, expect, it } from "vitest";
import { parseRefAdvertisement } from "./ref-advertisement.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const lines = (...text: string[]) => text.map((t) => Buffer.from(`${t}\n`));

describe("parseRefAdvertisement", () => {
  it("reads refs, capabilities and HEAD's symref from git-upload-pack's first words", () => {
    const ad = parseRefAdvertisement(
      lines(
        `${A} HEAD\0multi_ack side-band-64k ofs-delta symref=HEAD:refs/heads/main agent=git/2.39.5`,
        `${A} refs/heads/main`,
        `${B} refs/tags/v1`,
        `${A} refs/tags/v1^{}`,
      ),
    );
    expect(ad.capabilities.has("side-band-64k")).toBe(true);
    expect(ad.symrefs.get("HEAD")).toBe("refs/heads/main");
    expect(Object.fromEntries(ad.refs)).toEqual({
      HEAD: A,
      "refs/heads/main": A,
      "refs/tags/v1": B,
      "refs/tags/v1^{}": A,
    });
  });

  it("reads an empty repository's capabilities^{} line, and a version 1 line", () => {
    const ad = parseRefAdvertisement(
      lines("version 1", `${"0".repeat(40)} capabilities^{}\0side-band-64k ofs-delta`),
    );
    expect(ad.refs.size).toBe(0);
    expect(ad.capabilities.has("ofs-delta")).toBe(true);
  });

  it("refuses lines that are not refs", () => {
    expect(() => parseRefAdvertisement(lines(`${A} HEAD\0caps`, "garbage"))).toThrow(/garbage/);
    expect(() => parseRefAdvertisement(lines("ERR no such repository"))).toThrow(/no such/);
  });
});
