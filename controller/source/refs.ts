// Refs as platform files write them (DESIGN §1): `id/<commit>`, `branch/<name>`,
// `tag/<name>`, and tag patterns (`tag/v*`: the highest semver tag matching).
// Everything but the id lookup is pure, over a RefMap.
import semver from "semver";
import { RefNotFoundError } from "../errors.js";
import type { RefMap } from "./types.js";

export type ParsedRef =
  | { kind: "id"; prefix: string }
  | { kind: "branch"; name: string }
  | { kind: "tag"; name: string }
  | { kind: "tag-pattern"; pattern: string };

export interface IgnoredTag {
  tag: string;
  reason: "not semver" | "prerelease" | "not a commit";
}

export interface ResolvedRef {
  /** The ref as written. */
  ref: string;
  /** The commit it resolves to (40 hex). */
  id: string;
  /** For a tag pattern: the tag that won. */
  tag?: string;
  /** For a tag pattern: tags that matched the glob but could not count, and why. */
  ignored: IgnoredTag[];
}

/** Shortest id prefix we accept, as Git's default abbreviation. */
export const MIN_ID_PREFIX = 7;

export function parseRef(ref: string): ParsedRef {
  const slash = ref.indexOf("/");
  const kind = ref.slice(0, slash);
  const rest = ref.slice(slash + 1);
  if (slash < 0 || rest === "") {
    throw new RefNotFoundError(ref, "expected id/<commit>, branch/<name> or tag/<name>");
  }
  if (kind === "id") {
    if (!new RegExp(`^[0-9a-fA-F]{${MIN_ID_PREFIX},40}$`).test(rest)) {
      throw new RefNotFoundError(ref, `an id is ${MIN_ID_PREFIX} to 40 hex digits of a commit id`);
    }
    return { kind: "id", prefix: rest.toLowerCase() };
  }
  if (kind === "branch") return { kind: "branch", name: rest };
  if (kind === "tag")
    return /[*?[]/.test(rest)
      ? { kind: "tag-pattern", pattern: rest }
      : { kind: "tag", name: rest };
  throw new RefNotFoundError(ref, `unknown kind "${kind}": expected id/, branch/ or tag/`);
}

/** Resolves a branch, tag or tag pattern against a ref map. */
export function resolveNamed(
  ref: string,
  parsed: Exclude<ParsedRef, { kind: "id" }>,
  refs: RefMap,
): ResolvedRef {
  switch (parsed.kind) {
    case "branch": {
      const id = refs.branches.get(parsed.name);
      if (!id) throw new RefNotFoundError(ref, `no branch named ${parsed.name}`);
      return { ref, id, ignored: [] };
    }
    case "tag": {
      const id = refs.tags.get(parsed.name);
      if (!id) throw new RefNotFoundError(ref, `no tag named ${parsed.name}`);
      const other = refs.nonCommitTags.get(parsed.name);
      if (other)
        throw new RefNotFoundError(ref, `tag ${parsed.name} points at a ${other}, not a commit`);
      return { ref, id, ignored: [] };
    }
    case "tag-pattern":
      return highestSemverTag(ref, parsed.pattern, refs);
  }
}

/** Resolves an id prefix given every commit id that starts with it. */
export function resolveId(ref: string, prefix: string, matches: string[]): ResolvedRef {
  const [first, ...others] = matches;
  if (!first) throw new RefNotFoundError(ref, `no commit id starts with ${prefix}`);
  if (others.length > 0) {
    const shown = matches
      .slice(0, 5)
      .map((m) => m.slice(0, 12))
      .join(", ");
    throw new RefNotFoundError(
      ref,
      `${prefix} is ambiguous: ${matches.length} commits match (${shown}); give more digits`,
    );
  }
  return { ref, id: first, ignored: [] };
}

/** Resolves any ref; ids are looked up with `findCommits` (GitSource.findCommits). */
export async function resolveRef(
  ref: string,
  refs: RefMap,
  findCommits: (prefix: string) => Promise<string[]>,
): Promise<ResolvedRef> {
  const parsed = parseRef(ref);
  if (parsed.kind === "id") return resolveId(ref, parsed.prefix, await findCommits(parsed.prefix));
  return resolveNamed(ref, parsed, refs);
}

function highestSemverTag(ref: string, pattern: string, refs: RefMap): ResolvedRef {
  const glob = globToRegExp(pattern);
  const ignored: IgnoredTag[] = [];
  let best: { tag: string; version: semver.SemVer; id: string } | undefined;
  for (const [tag, id] of refs.tags) {
    if (!glob.test(tag)) continue;
    const version = semverOf(tag);
    if (!version) ignored.push({ tag, reason: "not semver" });
    else if (version.prerelease.length > 0) ignored.push({ tag, reason: "prerelease" });
    else if (refs.nonCommitTags.has(tag)) ignored.push({ tag, reason: "not a commit" });
    else {
      // Equal versions (v1.2.3 and 1.2.3, or only build metadata differs): the
      // later name wins, so the choice does not depend on map order.
      const order = best ? version.compare(best.version) : 1;
      if (order > 0 || (order === 0 && tag > best!.tag)) best = { tag, version, id };
    }
  }
  ignored.sort((a, b) => (a.tag < b.tag ? -1 : 1));
  if (!best) {
    const why =
      ignored.length > 0
        ? ` (ignored: ${ignored.map((i) => `${i.tag}: ${i.reason}`).join(", ")})`
        : "";
    throw new RefNotFoundError(ref, `no release tag matches ${pattern}${why}`);
  }
  return { ref, id: best.id, tag: best.tag, ignored };
}

/** A tag's version: the whole name (`v1.2.3`, `1.2.3`) or its last `/` part (`release/v1.2.3`). */
function semverOf(tag: string): semver.SemVer | undefined {
  for (const candidate of [tag, tag.slice(tag.lastIndexOf("/") + 1)]) {
    const version = semver.parse(candidate);
    if (version) return version;
  }
  return undefined;
}

/** `*` is any run of characters but `/`, `?` one such character, `[...]` a class. */
function globToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close < 0) re += "\\[";
      else {
        const body = pattern.slice(i + 1, close).replace(/\\/g, "\\\\");
        re += body.startsWith("!") ? `[^${body.slice(1)}]` : `[${body}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
