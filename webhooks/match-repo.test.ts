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

  it("never matches a local path, even one that looks like the URL's path", () => {
    expect(matchesRepository("/srv/github.com/acme/shop", ["https://github.com/acme/shop"])).toBe(
      false,
    );
    expect(matchesRepository("acme/shop", ["https://github.com/acme/shop"])).toBe(false);
  });
});
