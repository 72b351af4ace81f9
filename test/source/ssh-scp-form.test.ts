// The scp-like form `user@host:path` (issue 16) end to end: it has no place for
// a port, so it means 22, and this file starts its own real OpenSSH server on
// 127.0.0.2:22 (binding port 22 needs root, as CI runs; as another user the
// test is reported skipped, and the form stays covered by location.test.ts).
// The ref map equals `git ls-remote` through the same scp-like URL, and the
// host key is looked up under the bare host name, as OpenSSH writes it for
// port 22.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { readSshCredentials } from "../../controller/cli/ssh-settings.js";
import { openUrlSource } from "../../controller/source/url-source.js";
import { startSshServer, type SshKeyPair, type SshServer } from "../../hack/git/ssh-server.js";
import { createRepoWithClone, lsRemote, type TestRepo } from "../support/git.js";
import { plain, tempDir } from "./native.js";

const isRoot = process.getuid?.() === 0;
let server: SshServer;
let key: SshKeyPair;
let repo: TestRepo;
const cleanups: (() => Promise<void>)[] = [];

describe.runIf(isRoot)("an SSH source named in the scp-like form", () => {
  beforeAll(async () => {
    server = await startSshServer({ root: inject("gitRoot"), host: "127.0.0.2", port: 22 });
    cleanups.push(() => server.close());
    key = await server.newKey("ed25519");
    await server.authorize(key.publicKey);
    const created = await createRepoWithClone("ssh-scp");
    repo = created.repo;
    cleanups.push(() => created.work.remove());
    await created.work.commitAndPush({ "a.txt": "a\n" }, "first");
    await created.work.tag("v1.0.0");
    await created.work.push("--tags");
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("reaches port 22 and lists what git ls-remote lists through the same URL", async () => {
    const state = await tempDir("ssh-scp-state");
    cleanups.push(() => state.remove());
    const knownHosts = path.join(state.dir, "known_hosts");
    // Port 22: the bare host name, no [host]:port.
    expect(server.knownHostsLine.startsWith("127.0.0.2 ssh-ed25519 ")).toBe(true);
    await writeFile(knownHosts, `${server.knownHostsLine}\n`);
    const url = server.scpUrl(repo.name);
    expect(url).toMatch(/^[^@/]+@127\.0\.0\.2:\//);

    const source = await openUrlSource({
      url,
      stateDir: path.join(state.dir, "clone"),
      ssh: readSshCredentials({
        keyFile: key.privateKeyFile,
        knownHostsFile: knownHosts,
        passphrase: () => undefined,
      }),
    });
    try {
      const refs = await source.sync();
      const native = await lsRemote(url, {
        GIT_SSH_COMMAND: server.gitSshCommand(key, knownHosts),
      });
      expect(plain(refs)).toEqual(native);
      expect(plain(refs)).toEqual(await lsRemote(repo.url));
      expect(Object.keys(native.tags)).toEqual(["v1.0.0"]);
    } finally {
      await source.close();
    }
  });
});
