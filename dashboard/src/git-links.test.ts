import { describe, expect, it } from "vitest";
import { commitUrl, fileLineUrl, problemLines, webRepo } from "./git-links.js";

const sha = "0123456789abcdef0123456789abcdef01234567";

describe("webRepo", () => {
  it.each([
    ["https://github.com/acme/shop.git", { host: "github", base: "https://github.com/acme/shop" }],
    ["https://github.com/acme/shop", { host: "github", base: "https://github.com/acme/shop" }],
    ["git@github.com:acme/shop.git", { host: "github", base: "https://github.com/acme/shop" }],
    [
      "ssh://git@github.com:22/acme/shop.git",
      { host: "github", base: "https://github.com/acme/shop" },
    ],
    [
      "https://***@github.com/acme/shop.git",
      { host: "github", base: "https://github.com/acme/shop" },
    ],
    [
      "https://github.acme.com/team/shop.git",
      { host: "github", base: "https://github.acme.com/team/shop" },
    ],
    [
      "https://gitlab.com/acme/group/shop.git",
      { host: "gitlab", base: "https://gitlab.com/acme/group/shop" },
    ],
    [
      "http://gitlab.internal:8929/a/b.git",
      { host: "gitlab", base: "http://gitlab.internal:8929/a/b" },
    ],
    [
      "https://codeberg.org/acme/shop.git",
      { host: "gitea", base: "https://codeberg.org/acme/shop" },
    ],
    [
      "https://gitea.example.com/acme/shop.git",
      { host: "gitea", base: "https://gitea.example.com/acme/shop" },
    ],
    [
      "git@forgejo.example.com:acme/shop.git",
      { host: "gitea", base: "https://forgejo.example.com/acme/shop" },
    ],
    [
      "https://bitbucket.org/acme/shop.git",
      { host: "bitbucket", base: "https://bitbucket.org/acme/shop" },
    ],
  ])("%s", (url, expected) => {
    expect(webRepo(url)).toEqual(expected);
  });

  it.each([
    ["a local path", "/home/me/shop"],
    ["a relative path", "./shop"],
    ["an unknown host", "https://git.example.com/acme/shop.git"],
    ["a host without a repository path", "https://github.com/acme"],
    ["another scheme", "file:///srv/git/shop.git"],
    ["javascript", "javascript:alert(1)//github.com/a/b"],
    ["garbage", "<img src=x onerror=alert(1)>"],
  ])("gives no link for %s", (_what, url) => {
    expect(webRepo(url)).toBeUndefined();
  });
});

describe("commitUrl and fileLineUrl", () => {
  it.each([
    [
      "https://github.com/acme/shop.git",
      `https://github.com/acme/shop/commit/${sha}`,
      `https://github.com/acme/shop/blob/${sha}/apps/store/app.yaml#L9`,
    ],
    [
      "https://gitlab.com/acme/shop.git",
      `https://gitlab.com/acme/shop/-/commit/${sha}`,
      `https://gitlab.com/acme/shop/-/blob/${sha}/apps/store/app.yaml#L9`,
    ],
    [
      "https://gitea.example.com/acme/shop.git",
      `https://gitea.example.com/acme/shop/commit/${sha}`,
      `https://gitea.example.com/acme/shop/src/commit/${sha}/apps/store/app.yaml#L9`,
    ],
    [
      "git@bitbucket.org:acme/shop.git",
      `https://bitbucket.org/acme/shop/commits/${sha}`,
      `https://bitbucket.org/acme/shop/src/${sha}/apps/store/app.yaml#lines-9`,
    ],
  ])("%s", (repo, commit, line) => {
    expect(commitUrl(repo, sha)).toBe(commit);
    expect(fileLineUrl(repo, sha, "apps/store/app.yaml", 9)).toBe(line);
  });

  it("encodes file names and refuses paths that leave the repository", () => {
    const repo = "https://github.com/acme/shop";
    expect(fileLineUrl(repo, sha, "apps/my app/a#b.yaml", 1)).toBe(
      `https://github.com/acme/shop/blob/${sha}/apps/my%20app/a%23b.yaml#L1`,
    );
    expect(fileLineUrl(repo, sha, "../etc/passwd", 1)).toBeUndefined();
    expect(fileLineUrl(repo, "not-a-sha", "a.yaml", 1)).toBeUndefined();
    expect(commitUrl("/srv/shop", sha)).toBeUndefined();
  });
});

describe("problemLines", () => {
  it("finds file:line:col in each line, and keeps other lines as they are", () => {
    expect(
      problemLines(
        "apps/store/app.yaml:9:17: replicas must be integer\n[RefNotFound] ref tag/v9: no tag named v9",
      ),
    ).toEqual([
      { file: "apps/store/app.yaml", line: 9, col: 17, message: "replicas must be integer" },
      { message: "[RefNotFound] ref tag/v9: no tag named v9" },
    ]);
  });
});
