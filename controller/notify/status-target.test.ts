import { describe, expect, it } from "vitest";
import { statusTarget, type StatusApiOverride } from "./status-target.js";

describe("statusTarget", () => {
  const ghe: StatusApiOverride[] = [{ host: "git.acme.io", provider: "github" }];
  it.each([
    ["https://github.com/acme/shop.git", [], "github", "https://api.github.com", ["acme", "shop"]],
    ["git@github.com:acme/shop.git", [], "github", "https://api.github.com", ["acme", "shop"]],
    ["ssh://git@github.com/acme/shop", [], "github", "https://api.github.com", ["acme", "shop"]],
    [
      "https://git.acme.io/acme/shop.git",
      ghe,
      "github",
      "https://git.acme.io/api/v3",
      ["acme", "shop"],
    ],
    [
      "git@git.acme.io:acme/shop.git",
      ghe,
      "github",
      "https://git.acme.io/api/v3",
      ["acme", "shop"],
    ],
    [
      "https://gitlab.com/a/b/shop.git",
      [],
      "gitlab",
      "https://gitlab.com/api/v4",
      ["a", "b", "shop"],
    ],
    [
      "https://gl.acme.io:8443/a/shop.git",
      [{ host: "gl.acme.io:8443", provider: "gitlab" }],
      "gitlab",
      "https://gl.acme.io:8443/api/v4",
      ["a", "shop"],
    ],
    [
      "https://codeberg.org/acme/shop.git",
      [],
      "gitea",
      "https://codeberg.org/api/v1",
      ["acme", "shop"],
    ],
    [
      "http://127.0.0.1:3000/acme/shop.git",
      [{ host: "127.0.0.1:3000", provider: "gitea", apiBase: "http://127.0.0.1:9/api/v1/" }],
      "gitea",
      "http://127.0.0.1:9/api/v1",
      ["acme", "shop"],
    ],
    [
      "git@bitbucket.org:ws/shop.git",
      [],
      "bitbucket-cloud",
      "https://api.bitbucket.org/2.0",
      ["ws", "shop"],
    ],
    [
      "https://bb.acme.io/scm/SHOP/shop.git",
      [{ host: "bb.acme.io", provider: "bitbucket-server" }],
      "bitbucket-server",
      "https://bb.acme.io/rest",
      ["SHOP", "shop"],
    ],
    [
      "ssh://git@bb.acme.io:7999/shop/shop.git",
      [{ host: "bb.acme.io", provider: "bitbucket-server" }],
      "bitbucket-server",
      "https://bb.acme.io/rest",
      ["shop", "shop"],
    ],
  ] as const)("%s", (url, overrides, provider, apiBase, segments) => {
    expect(statusTarget(url, overrides)).toMatchObject({ provider, apiBase, segments });
  });

  it.each([
    ["a local path", "/home/me/shop"],
    ["a host nothing names", "https://git.example.com/acme/shop.git"],
    ["GitHub without an owner", "https://github.com/shop.git"],
    ["GitHub with one segment too many", "https://github.com/a/b/c.git"],
    ["a file URL", "file:///srv/shop.git"],
  ])("sends nothing for %s", (_what, url) => {
    expect(statusTarget(url)).toBeUndefined();
  });
});
