import { expect, it } from "vitest";
import { refMatches } from "./ref-match.js";

it.each([
  ["branch/main", "branch", "main", true],
  ["branch/main", "tag", "main", false],
  ["branch/feature/x", "branch", "feature/x", true],
  ["tag/v*", "tag", "v1.2.0", true],
  ["tag/v*", "tag", "release-1", false],
  ["tag/v1.0.0", "tag", "v1.0.0", true],
  ["tag/v1.0.0", "tag", "v1x0x0", false],
  ["id/0123456", "branch", "0123456", false],
] as const)("%s names %s %s: %s", (ref, kind, name, expected) => {
  expect(refMatches(ref, kind, name)).toBe(expected);
});
