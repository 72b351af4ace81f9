// The SSH settings of `run` (issue 16), read once at start-up when a --repo is
// an SSH location: the private key (decrypted here with its passphrase, so a
// slow KDF runs once, not per fetch) and the known_hosts file. Each problem is
// a SettingsError naming the flag and the file.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { ParsedKey } from "ssh2";
import type * as Ssh2 from "ssh2";
import { SettingsError } from "../errors.js";
import { fingerprint, parseKnownHosts } from "../ssh/known-hosts.js";
import type { SshCredentials } from "../source/ssh-transport.js";

// ssh2 is loaded only when an SSH repository is configured: other runs and
// commands never pay for it.
const require = createRequire(import.meta.url);

export function readSshCredentials(options: {
  keyFile: string | undefined;
  knownHostsFile: string | undefined;
  /** Read only when the key is encrypted. */
  passphrase: () => string | undefined;
}): SshCredentials {
  const { keyFile, knownHostsFile } = options;
  if (!keyFile || !knownHostsFile) {
    throw new SettingsError(
      "an SSH --repo needs --ssh-key-file and --ssh-known-hosts (there is no trust on first use)",
    );
  }
  const key = parsePrivateKey(keyFile, readFile("ssh-key-file", keyFile), options.passphrase);
  const knownHosts = parseKnownHosts(readFile("ssh-known-hosts", knownHostsFile).toString("utf8"));
  if (knownHosts.length === 0) {
    throw new SettingsError(`--ssh-known-hosts ${knownHostsFile}: no host keys in the file`);
  }
  return Object.freeze({
    key,
    keyDescription: `${key.type} ${fingerprint(key.getPublicSSH())}`,
    knownHosts,
  });
}

function parsePrivateKey(
  file: string,
  data: Buffer,
  passphrase: () => string | undefined,
): ParsedKey {
  const { utils } = require("ssh2") as typeof Ssh2;
  let parsed = utils.parseKey(data);
  if (parsed instanceof Error && /passphrase/i.test(parsed.message)) {
    const given = passphrase();
    if (given === undefined) {
      throw new SettingsError(
        `--ssh-key-file ${file}: the key is encrypted; give its passphrase with --ssh-passphrase-file`,
      );
    }
    parsed = utils.parseKey(data, given);
    if (parsed instanceof Error) {
      throw new SettingsError(`--ssh-key-file ${file}: cannot decrypt the key (wrong passphrase?)`);
    }
  }
  const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey | undefined) : parsed;
  if (!key || key instanceof Error || !key.isPrivateKey()) {
    throw new SettingsError(`--ssh-key-file ${file}: not a private key ssh2 can read`);
  }
  return key;
}

function readFile(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new SettingsError(
      `--${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? "unreadable"}`,
    );
  }
}
