import { describe, expect, it } from "vitest";
import { isSshLocation, parseSshLocation, uploadPackCommand } from "./location.js";

describe("parseSshLocation", () => {
  it.each([
    ["ssh://git@github.com/acme/shop.git", "git", "github.com", 22, "/acme/shop.git"],
    [
      "ssh://deploy@git.example.com:2222/srv/git/shop.git",
      "deploy",
      "git.example.com",
      2222,
      "/srv/git/shop.git",
    ],
    ["ssh://git.example.com/acme/shop", "git", "git.example.com", 22, "/acme/shop"],
    ["git+ssh://git@host/x.git", "git", "host", 22, "/x.git"],
    ["ssh://git@host/~alice/shop.git", "git", "host", 22, "~alice/shop.git"],
    ["ssh://git@host/my%20repo.git", "git", "host", 22, "/my repo.git"],
    ["ssh://git@[::1]:2222/r.git", "git", "::1", 2222, "/r.git"],
    ["git@github.com:acme/shop.git", "git", "github.com", 22, "acme/shop.git"],
    ["git@host:/srv/git/shop.git", "git", "host", 22, "/srv/git/shop.git"],
    ["git@[::1]:r.git", "git", "::1", 22, "r.git"],
  ])("%s", (location, user, host, port, path) => {
    expect(isSshLocation(location)).toBe(true);
    expect(parseSshLocation(location)).toEqual({ user, host, port, path });
  });

  it.each([
    "ssh://git@host",
    "ssh://git@host/",
    "ssh://git:secret@host/x.git",
    "ssh://git@host:99999/x.git",
  ])("%s is an SSH location that does not parse", (location) => {
    expect(isSshLocation(location)).toBe(true);
    expect(parseSshLocation(location)).toBeUndefined();
  });

  it.each(["/srv/git/shop", "./shop", "https://github.com/acme/shop.git", "host:path", "a/b@c:d"])(
    "%s is not an SSH location",
    (location) => {
      expect(isSshLocation(location)).toBe(false);
      expect(parseSshLocation(location)).toBeUndefined();
    },
  );
});

describe("uploadPackCommand", () => {
  it("quotes as git does", () => {
    expect(uploadPackCommand("acme/shop.git")).toBe("git-upload-pack 'acme/shop.git'");
    expect(uploadPackCommand("it's!")).toBe("git-upload-pack 'it'\\''s'\\!''");
  });
});
