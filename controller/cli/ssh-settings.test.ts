// The SSH settings of `run` (issue 16): read only when a --repo is an SSH
// location, from flags or KUBEFOX_GITOPS_SSH_*; every problem a SettingsError
// that names the flag and file.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SettingsError } from "../errors.js";
import { parseSettings } from "./settings.js";

const dir = mkdtempSync(path.join(tmpdir(), "kubefox-ssh-settings-"));
const file = (name: string, text: string) => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
};
const keygen = (name: string, passphrase: string) => {
  const f = path.join(dir, name);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", passphrase, "-C", "t", "-f", f]);
  return f;
};
const plainKey = keygen("plain", "");
const lockedKey = keygen("locked", "open sesame");
const knownHosts = file(
  "known_hosts",
  "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n",
);
const ssh = "git@github.com:acme/shop.git";

describe("SSH settings", () => {
  it("reads the key and known_hosts once, from flags or the environment", () => {
    const fromFlags = parseSettings(
      ["--repo", ssh, "--ssh-key-file", plainKey, "--ssh-known-hosts", knownHosts],
      {},
    );
    expect(fromFlags.ssh?.keyDescription).toMatch(/^ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}$/);
    expect(fromFlags.ssh?.knownHosts).toHaveLength(1);
    const fromEnv = parseSettings([], {
      KUBEFOX_GITOPS_REPO: `ssh://git@github.com/acme/shop.git`,
      KUBEFOX_GITOPS_SSH_KEY_FILE: lockedKey,
      KUBEFOX_GITOPS_SSH_KNOWN_HOSTS: knownHosts,
      KUBEFOX_GITOPS_SSH_PASSPHRASE: "open sesame",
    });
    expect(fromEnv.ssh?.key.isPrivateKey()).toBe(true);
    const fromFile = parseSettings(
      [
        ...["--repo", ssh, "--ssh-key-file", lockedKey, "--ssh-known-hosts", knownHosts],
        ...["--ssh-passphrase-file", file("passphrase", "open sesame\n")],
      ],
      {},
    );
    expect(fromFile.ssh?.keyDescription).toBe(
      `ssh-ed25519 ${
        execFileSync("ssh-keygen", ["-l", "-f", `${lockedKey}.pub`])
          .toString()
          .split(" ")[1]
      }`,
    );
  });

  it("reads nothing of SSH when no --repo is an SSH location", () => {
    const s = parseSettings(
      ["--repo", "https://github.com/acme/shop.git", "--ssh-key-file", "/nowhere/key"],
      { KUBEFOX_GITOPS_SSH_KNOWN_HOSTS: "/nowhere/known_hosts" },
    );
    expect(s.ssh).toBeUndefined();
  });

  it.each([
    [["--repo", ssh], /an SSH --repo needs --ssh-key-file and --ssh-known-hosts/],
    [["--repo", ssh, "--ssh-key-file", plainKey], /needs --ssh-key-file and --ssh-known-hosts/],
    [
      ["--repo", ssh, "--ssh-key-file", "/nowhere/key", "--ssh-known-hosts", knownHosts],
      /--ssh-key-file \/nowhere\/key: ENOENT/,
    ],
    [
      ["--repo", ssh, "--ssh-key-file", lockedKey, "--ssh-known-hosts", knownHosts],
      /the key is encrypted; give its passphrase with --ssh-passphrase-file/,
    ],
    [
      [
        ...["--repo", ssh, "--ssh-key-file", lockedKey, "--ssh-known-hosts", knownHosts],
        ...["--ssh-passphrase-file", file("wrong", "guess\n")],
      ],
      /cannot decrypt the key \(wrong passphrase\?\)/,
    ],
    [
      ["--repo", ssh, "--ssh-key-file", knownHosts, "--ssh-known-hosts", knownHosts],
      /not a private key/,
    ],
    [
      ["--repo", ssh, "--ssh-key-file", plainKey, "--ssh-known-hosts", file("empty", "# none\n")],
      /no host keys in the file/,
    ],
    [
      ["--repo", "ssh://git:pw@github.com/acme/shop.git"],
      /--repo ssh:\/\/\*\*\*@github.com.*not a valid SSH location/,
    ],
  ])("refuses %j", (args, message) => {
    expect(() => parseSettings(args, {})).toThrow(SettingsError);
    expect(() => parseSettings(args, {})).toThrow(message);
  });
});
