// A URL source over SSH (issue 16) against a real OpenSSH server: its ref map
// equals `git ls-remote` over SSH with the same key and known_hosts; ed25519,
// ECDSA and RSA keys, and a key with a passphrase, all work; a wrong key, an
// unknown host key and a changed host key are each refused with a message
// naming the host and the fingerprint, and never retried.
import net from "node:net";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SourceError } from "../../controller/errors.js";
import type { SshCredentials } from "../../controller/source/ssh-transport.js";
import type { GitSource } from "../../controller/source/types.js";
import { openUrlSource } from "../../controller/source/url-source.js";
import type { SshKeyType } from "../../hack/git/ssh-server.js";
import { createRepoWithClone, lsRemote, type TestRepo } from "../support/git.js";
import { startTestSsh, type TestSsh } from "../support/ssh.js";
import { makeTrickyRefs, plain, tempDir } from "./native.js";

let ssh: TestSsh;
let repo: TestRepo;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  ssh = await startTestSsh();
  const created = await createRepoWithClone("ssh-refs");
  repo = created.repo;
  cleanups.push(() => created.work.remove());
  await makeTrickyRefs(created.work, { push: true });
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await ssh?.close();
});

async function open(
  url: string,
  credentials: SshCredentials,
  timeoutMs?: number,
): Promise<GitSource> {
  const state = await tempDir("ssh-state");
  const source = await openUrlSource({
    url,
    stateDir: state.dir,
    ssh: credentials,
    ...(timeoutMs ? { timeoutMs } : {}),
    retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 10 },
  });
  cleanups.push(async () => {
    await source.close();
    await state.remove();
  });
  return source;
}

/** What `ssh-keygen -l` says of the server's host key. */
async function hostFingerprint(): Promise<string> {
  const { stdout } = await execa("ssh-keygen", ["-l", "-f", ssh.knownHosts]);
  return stdout.split(" ")[1]!;
}

async function refusal(source: GitSource): Promise<SourceError> {
  const err: unknown = await source.sync().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SourceError);
  const error = err as SourceError;
  expect(error.code).toBe("SourceUnavailable");
  expect(error.retry).toBe("never");
  return error;
}

describe("an SSH source", () => {
  it("lists exactly what git ls-remote over SSH lists", async () => {
    const source = await open(ssh.url(repo.name), ssh.credentials());
    const refs = await source.sync();
    const native = await lsRemote(ssh.url(repo.name), ssh.nativeEnv());
    expect(plain(refs)).toEqual(native);
    expect(plain(refs)).toEqual(await lsRemote(repo.url));
    expect(Object.keys(native.tags)).toHaveLength(9);
    expect(refs.defaultBranch).toBe("main");
    expect(Object.fromEntries(refs.nonCommitTags)).toEqual({
      "blob-tag": "blob",
      "blob-annotated": "blob",
      "tree-tag": "tree",
    });
    // A second sync over a new connection sees the same.
    expect(plain(await source.sync())).toEqual(native);
  });

  it.each<[SshKeyType, string | undefined]>([
    ["ed25519", undefined],
    ["ecdsa", undefined],
    ["rsa", undefined],
    ["ed25519", "correct horse battery staple"],
    ["rsa", "s3cret"],
  ])("authenticates with a %s key (passphrase: %s)", async (type, passphrase) => {
    const key = await ssh.server.newKey(type, passphrase);
    await ssh.server.authorize(key.publicKey);
    const source = await open(ssh.url(repo.name), ssh.credentials(key));
    expect(plain(await source.sync())).toEqual(await lsRemote(repo.url));
  });

  it("checks hashed known_hosts entries", async () => {
    const file = await ssh.knownHostsFile("hashed", [ssh.server.knownHostsLine]);
    await execa("ssh-keygen", ["-H", "-f", file]);
    const source = await open(ssh.url(repo.name), ssh.credentials(ssh.key, file));
    expect(plain(await source.sync())).toEqual(await lsRemote(repo.url));
  });

  it("refuses a key the server does not take, naming the host, the user and the key", async () => {
    const stranger = await ssh.server.newKey("ed25519");
    const { stdout } = await execa("ssh-keygen", ["-l", "-f", `${stranger.privateKeyFile}.pub`]);
    const source = await open(ssh.url(repo.name), ssh.credentials(stranger));
    const err = await refusal(source);
    expect(err.reason).toBe(
      `[127.0.0.1]:${ssh.server.port} refused the key ssh-ed25519 ${stdout.split(" ")[1]} for user ${ssh.server.user}`,
    );
  });

  it("refuses a host whose key is not in known_hosts, with its fingerprint: no trust on first use", async () => {
    const file = await ssh.knownHostsFile("other-hosts", [
      "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
    ]);
    const source = await open(ssh.url(repo.name), ssh.credentials(ssh.key, file));
    const err = await refusal(source);
    expect(err.reason).toBe(
      `the host key of [127.0.0.1]:${ssh.server.port} (ssh-ed25519 key ${await hostFingerprint()}) is not in known_hosts; add it after checking the fingerprint, e.g. with ssh-keyscan: refused`,
    );
  });

  it("refuses a host whose key changed, with the new key's fingerprint", async () => {
    const impostor = await ssh.server.newKey("ed25519");
    const [type, blob] = impostor.publicKey.split(" ");
    const file = await ssh.knownHostsFile("changed", [
      `[127.0.0.1]:${ssh.server.port} ${type} ${blob}`,
    ]);
    const source = await open(ssh.url(repo.name), ssh.credentials(ssh.key, file));
    const err = await refusal(source);
    expect(err.reason).toContain(`the host key of [127.0.0.1]:${ssh.server.port} has changed`);
    expect(err.reason).toContain(`it offered ssh-ed25519 key ${await hostFingerprint()}`);
  });

  it("refuses a host key marked @revoked", async () => {
    const file = await ssh.knownHostsFile("revoked", [
      ssh.server.knownHostsLine,
      `@revoked * ${ssh.server.knownHostsLine.split(" ").slice(1).join(" ")}`,
    ]);
    const source = await open(ssh.url(repo.name), ssh.credentials(ssh.key, file));
    expect((await refusal(source)).reason).toContain("is marked @revoked");
  });

  it("says what the server said of a repository it does not have", async () => {
    const source = await open(ssh.url("no-such-repo"), ssh.credentials());
    const err = await refusal(source);
    expect(err.reason).toMatch(
      /^git-upload-pack on \[127\.0\.0\.1\]:\d+ ended before answering \(exit status 128\): fatal: '.*no-such-repo\.git' does not appear to be a git repository/,
    );
  });

  it("gives up on a server that accepts the connection and never speaks, and retries it", async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as net.AddressInfo;
    cleanups.push(async () => {
      silent.close();
    });
    const source = await open(`ssh://git@127.0.0.1:${port}/x.git`, ssh.credentials(), 300);
    const err: unknown = await source.sync().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).reason).toBe(
      `timed out: no SSH handshake with [127.0.0.1]:${port} within 0.3s`,
    );
    expect((err as SourceError).retry).toBe("backoff");
  });
});
