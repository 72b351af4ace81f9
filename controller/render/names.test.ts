import { describe, expect, it } from "vitest";
import { labelValue, objectName, refSlug } from "./names.js";

const dns1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

describe("objectName", () => {
  it.each([
    [["shop", "branch-main", "store", "web"], "shop-branch-main-store-web"],
    [["Shop", "store", "Web"], "shop-store-web"],
    [["1shop", "web"], "kf-1shop-web"],
  ])("%j → %s", (parts, expected) => {
    expect(objectName(...parts)).toBe(expected);
  });

  it("stays within 63 characters with a hash suffix, deterministically and without collisions", () => {
    const a = objectName("system", "x".repeat(80), "web");
    const b = objectName("system", "x".repeat(81), "web");
    expect(a).toHaveLength(63);
    expect(a).toMatch(dns1035);
    expect(a).not.toBe(b);
    expect(objectName("system", "x".repeat(80), "web")).toBe(a);
  });
});

describe("refSlug", () => {
  it.each([
    ["branch/main", /^branch-main$/],
    ["tag/v1.4.0", /^tag-v1-4-0-[0-9a-f]{6}$/],
    ["id/0123456789abcdef0123456789abcdef01234567", /^id-0123456789ab-[0-9a-f]{6}$/],
  ])("%s", (ref, pattern) => {
    expect(refSlug(ref)).toMatch(pattern);
  });

  it("keeps refs apart that would sanitize alike", () => {
    expect(refSlug("branch/feature/a-b")).not.toBe(refSlug("branch/feature/a/b"));
    expect(refSlug("branch/Main")).not.toBe(refSlug("branch/main"));
  });
});

describe("labelValue", () => {
  it.each([["main"], ["v1.4.0"], ["a_b-c.d"]])("keeps %s as it is", (v) => {
    expect(labelValue(v)).toBe(v);
  });
  it("hashes what labels cannot hold", () => {
    const v = labelValue("feature/ünïcode");
    expect(v).toMatch(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/);
    expect(v.length).toBeLessThanOrEqual(63);
    expect(labelValue("x".repeat(100))).toHaveLength(63);
  });
});
