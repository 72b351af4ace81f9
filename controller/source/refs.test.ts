import { describe, expect, it } from "vitest";
import { RefNotFoundError } from "../errors.js";
import { parseRef, resolveRef } from "./refs.js";
import type { RefMap } from "./types.js";

const c = (n: number) => n.toString(16).padStart(2, "0").repeat(20);

const refs: RefMap = {
  branches: new Map([
    ["main", c(1)],
    ["feature/ünïcode", c(2)],
  ]),
  tags: new Map([
    ["v1.0.0", c(3)],
    ["v1.2.0", c(4)],
    ["v1.10.0", c(5)],
    ["v2.0.0-rc.1", c(6)],
    ["latest", c(7)],
    ["v9.9.9", c(8)],
    ["release/v3.1.4", c(9)],
    ["release/v3.2.0", c(10)],
    ["1.10.0", c(11)],
    ["only-blob", c(12)],
  ]),
  nonCommitTags: new Map([
    ["v9.9.9", "blob"],
    ["only-blob", "blob"],
  ]),
  defaultBranch: "main",
};

const commits = [
  "1234567aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "1234567bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
  "abcdef0123456789abcdef0123456789abcdef01",
];
const findCommits = async (prefix: string) => commits.filter((id) => id.startsWith(prefix));

describe("resolveRef", () => {
  it.each([
    ["branch/main", c(1), undefined],
    ["branch/feature/ünïcode", c(2), undefined],
    ["tag/v1.0.0", c(3), undefined],
    ["tag/latest", c(7), undefined],
    // highest semver wins, numerically (1.10 > 1.2); the pre-release and the tag of a blob do not count
    ["tag/v*", c(5), "v1.10.0"],
    ["tag/v1.*", c(5), "v1.10.0"],
    ["tag/v1.?.0", c(4), "v1.2.0"],
    ["tag/release/v*", c(10), "release/v3.2.0"],
    ["tag/*", c(5), "v1.10.0"], // 1.10.0 and v1.10.0 tie; the later name is picked
    ["id/abcdef0", commits[2], undefined],
    ["id/ABCDEF0123456789ABCDEF0123456789ABCDEF01", commits[2], undefined],
    ["id/1234567a", commits[0], undefined],
  ])("%s resolves to the right commit", async (ref, id, tag) => {
    const resolved = await resolveRef(ref, refs, findCommits);
    expect(resolved.id).toBe(id);
    expect(resolved.tag).toBe(tag);
  });

  it("says which tags a pattern ignored, and why", async () => {
    const resolved = await resolveRef("tag/*", refs, findCommits);
    expect(resolved.ignored).toEqual([
      { tag: "latest", reason: "not semver" },
      { tag: "only-blob", reason: "not semver" },
      { tag: "v2.0.0-rc.1", reason: "prerelease" },
      { tag: "v9.9.9", reason: "not a commit" },
    ]);
  });

  it.each([
    ["branch/nope", "ref branch/nope: no branch named nope"],
    ["tag/nope", "ref tag/nope: no tag named nope"],
    ["tag/v9.9.9", "ref tag/v9.9.9: tag v9.9.9 points at a blob, not a commit"],
    ["tag/nothing-*", "ref tag/nothing-*: no release tag matches nothing-*"],
    ["tag/v2.*", "ref tag/v2.*: no release tag matches v2.* (ignored: v2.0.0-rc.1: prerelease)"],
    ["tag/l*", "ref tag/l*: no release tag matches l* (ignored: latest: not semver)"],
    [
      "id/1234567",
      "ref id/1234567: 1234567 is ambiguous: 2 commits match (1234567aaaaa, 1234567bbbbb); give more digits",
    ],
    ["id/fffffff", "ref id/fffffff: no commit id starts with fffffff"],
    ["id/123456", "ref id/123456: an id is 7 to 40 hex digits of a commit id"],
    ["id/xyz1234", "ref id/xyz1234: an id is 7 to 40 hex digits of a commit id"],
    ["main", "ref main: expected id/<commit>, branch/<name> or tag/<name>"],
    ["branch/", "ref branch/: expected id/<commit>, branch/<name> or tag/<name>"],
    ["head/main", 'ref head/main: unknown kind "head": expected id/, branch/ or tag/'],
  ])("%s fails with RefNotFound: %s", async (ref, message) => {
    const err = await resolveRef(ref, refs, findCommits).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RefNotFoundError);
    expect((err as RefNotFoundError).code).toBe("RefNotFound");
    expect((err as Error).message).toBe(message);
  });
});

describe("parseRef", () => {
  it.each([
    ["id/ABCDEF0", { kind: "id", prefix: "abcdef0" }],
    ["branch/a/b", { kind: "branch", name: "a/b" }],
    ["tag/v1", { kind: "tag", name: "v1" }],
    ["tag/v[12].*", { kind: "tag-pattern", pattern: "v[12].*" }],
  ])("%s", (ref, parsed) => {
    expect(parseRef(ref)).toEqual(parsed);
  });
});
