import { describe, expect, it } from "vitest";
import { isHost, isHostName } from "./host.js";

describe("isHostName", () => {
  it.each([
    ["shop.example.com", true],
    ["localhost", true],
    ["a-b.c0", true],
    ["x".repeat(63) + ".com", true],
    ["x".repeat(64) + ".com", false],
    [Array.from({ length: 64 }, () => "abc").join("."), false],
    ["", false],
    ["Shop.example.com", false],
    ["-shop.example.com", false],
    ["shop-.example.com", false],
    ["shop..example.com", false],
    ["shop.example.com.", false],
    ["*.example.com", false],
    ["shop_example.com", false],
    ["shop example.com", false],
    ["127.0.0.1", true],
  ])("%j → %s", (host, ok) => {
    expect(isHostName(host)).toBe(ok);
  });
});

describe("isHost", () => {
  it.each([
    ["shop.example.com", true],
    ["10.1.2.3", true],
    ["::1", true],
    ["2001:db8::8a2e:370:7334", true],
    ["300.1.1.1", true], // a valid DNS name (all-digit labels are allowed), if a silly one
    ["[::1]", false],
    ["10.1.2.3:80", false],
    ["http://shop", false],
  ])("%j → %s", (host, ok) => {
    expect(isHost(host)).toBe(ok);
  });
});
