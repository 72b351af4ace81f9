// A real OpenSSH server for tests and benchmarks (issue 16): Debian's sshd on
// 127.0.0.1 and a free port, with its own host key, serving the bare
// repositories under `root` through git-shell, the login shell Git hosts give
// their `git` user. Every key in its authorized_keys is restricted to
// `git-shell -c "$SSH_ORIGINAL_COMMAND"` (git-upload-pack, git-receive-pack),
// so no test needs a system user of its own: when the tests run as root (as CI
// does), sshd lets root in with that forced command only
// (`PermitRootLogin forced-commands-only`); as anyone else, sshd runs without
// privilege separation and lets in the user that started it. Nothing outside
// its temporary folder is touched, except /run/sshd, the empty folder sshd
// needs when it runs as root.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile, appendFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";

export type SshKeyType = "ed25519" | "ecdsa" | "rsa";

export interface SshServerOptions {
  /** Folder of bare repositories, named by absolute path in URLs. */
  root: string;
  /** The host key's type. Default ed25519. */
  hostKeyType?: SshKeyType;
  /**
   * Pass the client's GIT_PROTOCOL to git (`AcceptEnv GIT_PROTOCOL`), so a
   * client may speak protocol v2. Default true. Debian's own sshd_config does
   * not accept it (only LANG and LC_*): false is what such a host does.
   */
  acceptGitProtocol?: boolean;
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  /**
   * Port to listen on; default a free one. 22 (root only) is what the scp-like
   * form `user@host:path` reaches, which has no place for a port.
   */
  port?: number;
}

export interface SshKeyPair {
  /** The private key's file (OpenSSH format). */
  privateKeyFile: string;
  /** `ssh-ed25519 AAAA... comment`. */
  publicKey: string;
  passphrase?: string;
}

export interface SshServer {
  readonly host: string;
  readonly port: number;
  /** The user to log in as (git-shell is forced on every key). */
  readonly user: string;
  readonly root: string;
  /** The host key as a known_hosts line (`[127.0.0.1]:PORT ssh-ed25519 AAAA...`). */
  readonly knownHostsLine: string;
  /** `ssh://user@127.0.0.1:PORT/<root>/<name>.git` */
  repoUrl(name: string): string;
  /** The scp-like form `user@host:/<root>/<name>.git` (port 22 only). */
  scpUrl(name: string): string;
  /** Lets this public key in (restricted to git-shell). */
  authorize(publicKey: string): Promise<void>;
  /** A new key pair in the server's folder (not yet authorized). */
  newKey(type: SshKeyType, passphrase?: string): Promise<SshKeyPair>;
  /** `GIT_SSH_COMMAND` for native git with this key and a known_hosts file. */
  gitSshCommand(key: SshKeyPair, knownHostsFile: string): string;
  close(): Promise<void>;
}

const SSHD = "/usr/sbin/sshd";

export async function startSshServer(options: SshServerOptions): Promise<SshServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "kubefox-sshd-"));
  const isRoot = process.getuid?.() === 0;
  const user = os.userInfo().username;
  const hostKeyType = options.hostKeyType ?? "ed25519";
  const hostKey = path.join(dir, `host_${hostKeyType}`);
  await keygen(hostKeyType, hostKey, "");
  const authorizedKeys = path.join(dir, "authorized_keys");
  await writeFile(authorizedKeys, "", { mode: 0o600 });
  if (isRoot) await mkdir("/run/sshd", { recursive: true, mode: 0o755 });

  let child: ChildProcess | undefined;
  let port = 0;
  let log = "";
  const host = options.host ?? "127.0.0.1";
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = options.port ?? (await freePort());
    const config = [
      `Port ${port}`,
      `ListenAddress ${host}`,
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      "AuthenticationMethods publickey",
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin forced-commands-only",
      // Test folders live under /tmp, which StrictModes would refuse.
      "StrictModes no",
      "UsePAM no",
      "PrintMotd no",
      "X11Forwarding no",
      "AllowTcpForwarding no",
      "LogLevel VERBOSE",
      ...(options.acceptGitProtocol === false ? [] : ["AcceptEnv GIT_PROTOCOL"]),
    ];
    const configFile = path.join(dir, "sshd_config");
    await writeFile(configFile, `${config.join("\n")}\n`);
    await execa(SSHD, ["-t", "-f", configFile]);
    const started = spawn(SSHD, ["-D", "-e", "-f", configFile], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    started.stderr?.on("data", (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-20_000);
    });
    if (await listening(host, port, started)) child = started;
    else started.kill();
  }
  if (!child) throw new Error(`sshd did not start: ${log}`);
  const server = child;

  const hostPublic = (await readFile(`${hostKey}.pub`, "utf8")).trim().split(" ");
  // known_hosts names a host on port 22 bare, on any other port as [host]:port.
  const hostName = port === 22 ? host : `[${host}]:${port}`;
  const knownHostsLine = `${hostName} ${hostPublic[0]} ${hostPublic[1]}`;
  let keys = 0;

  return {
    host,
    port,
    user,
    root: options.root,
    knownHostsLine,
    repoUrl: (name) => `ssh://${user}@${host}:${port}${path.join(options.root, `${name}.git`)}`,
    scpUrl: (name) => `${user}@${host}:${path.join(options.root, `${name}.git`)}`,
    async authorize(publicKey) {
      const restricted = `restrict,command="git-shell -c \\"$SSH_ORIGINAL_COMMAND\\"" ${publicKey.trim()}\n`;
      await appendFile(authorizedKeys, restricted);
    },
    async newKey(type, passphrase) {
      const file = path.join(dir, `client_${type}_${++keys}`);
      await keygen(type, file, passphrase ?? "");
      const publicKey = (await readFile(`${file}.pub`, "utf8")).trim();
      return { privateKeyFile: file, publicKey, ...(passphrase ? { passphrase } : {}) };
    },
    gitSshCommand(key, knownHostsFile) {
      return [
        "ssh",
        `-i ${key.privateKeyFile}`,
        "-o IdentitiesOnly=yes",
        "-o BatchMode=yes",
        `-o UserKnownHostsFile=${knownHostsFile}`,
        "-o StrictHostKeyChecking=yes",
        "-o GlobalKnownHostsFile=/dev/null",
        "-F /dev/null",
      ].join(" ");
    },
    async close() {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once("exit", resolve));
        server.kill();
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function keygen(type: SshKeyType, file: string, passphrase: string): Promise<void> {
  const bits = type === "rsa" ? ["-b", "3072"] : type === "ecdsa" ? ["-b", "256"] : [];
  await execa("ssh-keygen", [
    "-q",
    "-t",
    type,
    ...bits,
    "-N",
    passphrase,
    "-C",
    "kubefox-test",
    "-f",
    file,
  ]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Waits for sshd's banner on the port; false if the process exits first. */
async function listening(host: string, port: number, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) return false;
    const banner = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, host);
      socket.once("data", (data) => {
        socket.destroy();
        resolve(data.toString().startsWith("SSH-"));
      });
      socket.once("error", () => resolve(false));
    });
    if (banner) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
