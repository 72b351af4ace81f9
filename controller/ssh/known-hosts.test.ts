import { describe, expect, it } from "vitest";
import {
  checkHostKey,
  fingerprint,
  hostKeyAlgorithms,
  hostMatches,
  knownHostName,
  parseKnownHosts,
} from "./known-hosts.js";

// Keys made with ssh-keygen; fingerprints as `ssh-keygen -l` printed them.
const KEY_A = "AAAAC3NzaC1lZDI1NTE5AAAAICUHQQHgJKm6apAQY5FftODQLYZenoTim2pCDiqPYUw9";
const FP_A = "SHA256:JSX+LDV7W+L3JVYMzaMU55Ygq4y0oyUVDiAnK9RJexA";
const KEY_B = "AAAAC3NzaC1lZDI1NTE5AAAAIIhJPHGXmhLH10sZQacepfMbIXSAwypWW4O/TH7FNTKE";
const FP_B = "SHA256://TrlaMUz5rQOxlJ9/qBap5wvKcSToOf3u/Co81Iqe0";
const RSA =
  "AAAAB3NzaC1yc2EAAAADAQABAAAAgQDohs91DOIXj4vD7xfGdJOSTXoym6MoGVw1ysNsN6SQlAfwCCrKHiGsSXfqVfc+rbHQd/25VFLH2xgCkB40i9J3aq69bzeXiEoMpRu1jvh9FiL+am4WgluyKUMADuawGKTiYdRDNZgJ8ufarWGoLpMde03WiOnGCkngW5znJKiqxQ==";
const a = Buffer.from(KEY_A, "base64");
const b = Buffer.from(KEY_B, "base64");

describe("fingerprint", () => {
  it("is OpenSSH's SHA256:base64 without padding", () => {
    expect(fingerprint(a)).toBe(FP_A);
    expect(fingerprint(b)).toBe(FP_B);
  });
});

describe("knownHostName", () => {
  it.each([
    ["GitHub.com", 22, "github.com"],
    ["127.0.0.1", 2222, "[127.0.0.1]:2222"],
    ["::1", 22, "::1"],
    ["[::1]", 2222, "[::1]:2222"],
  ])("%s port %i → %s", (host, port, name) => {
    expect(knownHostName(host, port)).toBe(name);
  });
});

describe("hostMatches", () => {
  it.each([
    ["github.com", "github.com", true],
    ["gitlab.com,github.com", "github.com", true],
    ["GITHUB.COM", "github.com", true],
    ["*.example.com", "git.example.com", true],
    ["*.example.com,!evil.example.com", "evil.example.com", false],
    ["git?.example.com", "git1.example.com", true],
    ["[git.example.com]:2222", "[git.example.com]:2222", true],
    ["git.example.com", "[git.example.com]:2222", false],
    ["[git.example.com]:2222", "git.example.com", false],
    // ssh-keygen -H of "[git.example.com]:2222" and of "github.com"
    [
      "|1|jDbs0txIrKMmbM9MHDxyBjGDP2M=|21UDST4pZ+yPVzozUMEohZsNVHY=",
      "[git.example.com]:2222",
      true,
    ],
    ["|1|niSIN9acwl+USXUD+JS0r57/LGU=|J2361nwXUL2RLf+4Zd/SB3S3dtQ=", "github.com", true],
    ["|1|niSIN9acwl+USXUD+JS0r57/LGU=|J2361nwXUL2RLf+4Zd/SB3S3dtQ=", "gitlab.com", false],
  ])("%s matches %s: %s", (patterns, name, expected) => {
    expect(hostMatches(patterns, name)).toBe(expected);
  });
});

describe("checkHostKey", () => {
  const file = parseKnownHosts(
    [
      "# a comment",
      "",
      `github.com ssh-ed25519 ${KEY_A}`,
      `[git.example.com]:2222 ssh-ed25519 ${KEY_A} comment`,
      `rsa-only.example.com ssh-rsa ${RSA}`,
      `@revoked * ssh-ed25519 ${KEY_B}`,
      `@cert-authority *.example.com ssh-ed25519 ${KEY_B}`,
      "broken line",
      `mismatch.example.com ssh-rsa ${KEY_A}`,
    ].join("\n"),
  );

  it("skips comments, broken lines and keys whose blob names another type", () => {
    expect(file).toHaveLength(5);
  });

  it("trusts a known key", () => {
    expect(checkHostKey(file, "github.com", a)).toEqual({ trusted: true });
    expect(checkHostKey(file, "[git.example.com]:2222", a)).toEqual({ trusted: true });
  });

  it("refuses a changed key, naming the host and the offered key's fingerprint", () => {
    const other = parseKnownHosts(`github.com ssh-ed25519 ${KEY_B}`);
    const verdict = checkHostKey(other, "github.com", a);
    expect(verdict).toMatchObject({ trusted: false, why: "changed" });
    expect(verdict.trusted || verdict.message).toContain(`github.com has changed`);
    expect(verdict.trusted || verdict.message).toContain(FP_A);
  });

  it("refuses an unknown host, and a host known only by another key type", () => {
    const unknown = checkHostKey(file, "gitlab.com", a);
    expect(unknown).toMatchObject({ trusted: false, why: "unknown" });
    expect(unknown.trusted || unknown.message).toMatch(
      new RegExp(
        `^the host key of gitlab.com \\(ssh-ed25519 key ${FP_A.replace(/[+/]/g, "\\$&")}\\) is not in known_hosts`,
      ),
    );
    const otherType = checkHostKey(file, "rsa-only.example.com", a);
    expect(otherType).toMatchObject({ trusted: false, why: "unknown" });
    expect(otherType.trusted || otherType.message).toContain("has only ssh-rsa keys");
    // Port 2222 is not port 22.
    expect(checkHostKey(file, "git.example.com", a)).toMatchObject({ why: "unknown" });
  });

  it("refuses a revoked key even where another line trusts it", () => {
    const revoked = parseKnownHosts(
      `github.com ssh-ed25519 ${KEY_B}\n@revoked * ssh-ed25519 ${KEY_B}`,
    );
    expect(checkHostKey(revoked, "github.com", b)).toMatchObject({
      trusted: false,
      why: "revoked",
    });
  });

  it("never trusts a certificate authority's key as a host key", () => {
    const ca = parseKnownHosts(`@cert-authority *.example.com ssh-ed25519 ${KEY_B}`);
    expect(checkHostKey(ca, "ca.example.com", b)).toMatchObject({
      trusted: false,
      why: "unknown",
      message: expect.stringContaining(
        "an @cert-authority line names it, but host certificates are not supported",
      ),
    });
  });
});

describe("hostKeyAlgorithms", () => {
  it("puts the algorithms of the host's known keys first", () => {
    const file = parseKnownHosts(
      `rsa-only.example.com ssh-rsa ${RSA}\ngithub.com ssh-ed25519 ${KEY_A}`,
    );
    expect(hostKeyAlgorithms(file, "rsa-only.example.com").slice(0, 3)).toEqual([
      "rsa-sha2-512",
      "rsa-sha2-256",
      "ssh-rsa",
    ]);
    expect(hostKeyAlgorithms(file, "github.com")[0]).toBe("ssh-ed25519");
    expect(hostKeyAlgorithms(file, "github.com")).toHaveLength(7);
  });
});
