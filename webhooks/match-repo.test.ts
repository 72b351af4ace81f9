import { describe, expect, it } from "vitest";
import { matchesRepository, repoKey } from "./match-repo.js";

describe("repoKey", () => {
  it.each([
    ["https://github.com/Acme/Shop.git", "github.com/acme/shop"],
    ["https://github.com/acme/shop", "github.com/acme/shop"],
    ["https://GitHub.COM/acme/shop/", "github.com/acme/shop"],
    ["http://127.0.0.1:8080/shop.git", "127.0.0.1/shop"],
    ["git@github.com:acme/shop.git", "github.com/acme/shop"],
    ["github.com:acme/shop", "github.com/acme/shop"],
    ["ssh://git@gitlab.example.com:2222/group/sub/name.git", "gitlab.example.com/group/sub/name"],
    ["git://github.com/acme/shop.git", "github.com/acme/shop"],
    ["https://user:token@git.example.com/org/repo.git", "git.example.com/org/repo"],
    ["https://git.example.com/org/my%20repo.git", "git.example.com/org/my repo"],
    ["https://[::1]:3000/org/repo.git", "[::1]/org/repo"],
  ])("%s → %s", (url, key) => {
    expect(repoKey(url)).toBe(key);
  });

  it.each([
    "/srv/git/shop",
    "./shop",
    "shop",
    "",
    "https://github.com/",
    "git@gogs-server/repo.git",
  ])("%j has no host and path", (url) => {
    expect(repoKey(url)).toBeUndefined();
  });
});

describe("matchesRepository", () => {
  const watched = "https://github.com/acme/shop.git";

  it.each([
    [["https://github.com/acme/shop.git"], true],
    [["git@github.com:acme/shop.git"], true],
    [["ssh://git@github.com/acme/shop"], true],
    [["https://github.com/ACME/shop"], true],
    [["https://github.com/acme/shop-api.git"], false],
    [["https://github.com/other/shop.git"], false],
    [["https://gitlab.com/acme/shop.git"], false],
    [[], false],
    [["not a url", "git@github.com:acme/shop.git"], true],
  ])("%j → %s", (urls, expected) => {
    expect(matchesRepository(watched, urls)).toBe(expected);
  });

  // Issue 16: --repo may be an SSH location, and the payload may name the
  // repository in another form than --repo does, for every provider.
  const forms = (host: string, path: string, port = 2222) => [
    `https://${host}/${path}.git`,
    `https://${host}/${path}`,
    `ssh://git@${host}/${path}.git`,
    `ssh://git@${host}:${port}/${path}.git`,
    `git@${host}:${path}.git`,
    `git+ssh://git@${host}/${path}`,
  ];
  it.each([
    ["GitHub", "github.com", "acme/shop"],
    ["GitLab (nested groups)", "gitlab.example.com", "group/sub/shop"],
    ["Gitea", "gitea.example.com", "acme/shop"],
    ["Bitbucket Cloud", "bitbucket.org", "acme/shop"],
    ["Bitbucket Server", "bitbucket.example.com", "proj/shop"],
    ["a generic host", "git.example.com", "org/shop"],
  ])("%s: every form of --repo matches every form in the payload", (_, host, path) => {
    for (const watched of forms(host, path)) {
      for (const sent of forms(host, path)) {
        expect(matchesRepository(watched, [sent]), `${watched} vs ${sent}`).toBe(true);
      }
      expect(matchesRepository(watched, [`git@${host}:${path}-api.git`])).toBe(false);
      expect(matchesRepository(watched, [`git@other.example.com:${path}.git`])).toBe(false);
    }
  });

  it("matches a host served under a prefix (Bitbucket Server's /scm/, a sub-path) against its SSH URL", () => {
    expect(
      matchesRepository("ssh://git@bitbucket.example.com:7999/proj/shop.git", [
        "https://bitbucket.example.com/scm/proj/shop.git",
      ]),
    ).toBe(true);
    expect(
      matchesRepository("https://git.example.com/gitea/acme/shop.git", [
        "git@git.example.com:acme/shop.git",
      ]),
    ).toBe(true);
    // One segment is not enough to call two repositories the same.
    expect(
      matchesRepository("ssh://git@git.example.com/shop.git", [
        "https://git.example.com/acme/shop",
      ]),
    ).toBe(false);
  });

  it("never matches a local path, even one that looks like the URL's path", () => {
    expect(matchesRepository("/srv/github.com/acme/shop", ["https://github.com/acme/shop"])).toBe(
      false,
    );
    expect(matchesRepository("acme/shop", ["https://github.com/acme/shop"])).toBe(false);
    expect(matchesRepository("./github.com:acme/shop", ["git@github.com:acme/shop"])).toBe(false);
  });
});
