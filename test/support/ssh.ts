// A real sshd for a test file (hack/git/ssh-server.ts), serving the same Git
// root as the test Git server, with one authorized ed25519 key and a
// known_hosts file holding its host key; what native git needs to use it
// (GIT_SSH_COMMAND), and the SSH settings the controller reads from the same files.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { inject } from "vitest";
import { readSshCredentials } from "../../controller/cli/ssh-settings.js";
import type { SshCredentials } from "../../controller/source/ssh-transport.js";
import {
  startSshServer,
  type SshKeyPair,
  type SshServer,
  type SshServerOptions,
} from "../../hack/git/ssh-server.js";
import { tempDir } from "../source/native.js";

export interface TestSsh {
  server: SshServer;
  /** Authorized ed25519 key. */
  key: SshKeyPair;
  /** A known_hosts file with the server's host key. */
  knownHosts: string;
  /** A scratch folder removed by close(). */
  dir: string;
  /** `ssh://user@127.0.0.1:PORT/<git root>/<name>.git` */
  url(name: string): string;
  /** Environment for native git over this server. */
  nativeEnv(key?: SshKeyPair): Record<string, string>;
  /** The controller's SSH settings for a key and known_hosts file. */
  credentials(key?: SshKeyPair, knownHosts?: string): SshCredentials;
  /** Writes a known_hosts file of these lines, returns its path. */
  knownHostsFile(name: string, lines: string[]): Promise<string>;
  close(): Promise<void>;
}

export async function startTestSsh(options: Partial<SshServerOptions> = {}): Promise<TestSsh> {
  const root = inject("gitRoot");
  const server = await startSshServer({ root, ...options });
  const scratch = await tempDir("ssh-test");
  const key = await server.newKey("ed25519");
  await server.authorize(key.publicKey);
  const knownHosts = path.join(scratch.dir, "known_hosts");
  await writeFile(knownHosts, `${server.knownHostsLine}\n`);
  return {
    server,
    key,
    knownHosts,
    dir: scratch.dir,
    url: (name) => server.repoUrl(name),
    nativeEnv: (k = key) => ({ GIT_SSH_COMMAND: server.gitSshCommand(k, knownHosts) }),
    credentials: (k = key, file = knownHosts) =>
      readSshCredentials({
        keyFile: k.privateKeyFile,
        knownHostsFile: file,
        passphrase: () => k.passphrase,
      }),
    async knownHostsFile(name, lines) {
      const file = path.join(scratch.dir, name);
      await writeFile(file, `${lines.join("\n")}\n`);
      return file;
    },
    async close() {
      await server.close();
      await scratch.remove();
    },
  };
}
