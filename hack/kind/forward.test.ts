// The forwarder that exposes the loopback-only Git server on the kind network,
// here on loopback: the real git client clones through it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git } from "../git/run.js";
import { startGitServer, type GitServer } from "../git/server.js";
import { WorkingCopy } from "../git/working-copy.js";
import { forward, type Forwarder } from "./forward.js";

let server: GitServer;
let forwarder: Forwarder;

describe("forward", () => {
  beforeAll(async () => {
    server = await startGitServer();
    forwarder = await forward("127.0.0.1", 0, Number(new URL(server.url).port));
  });
  afterAll(async () => {
    await forwarder?.close();
    await server?.close();
  });

  it("carries a real clone and push to the Git server", async () => {
    const url = await server.createRepo("shop");
    const work = await WorkingCopy.clone(url);
    const id = await work.commitAndPush({ "kubefox.yaml": "kind: System\n" }, "first");
    const through = `http://127.0.0.1:${forwarder.port}/shop.git`;
    expect(await git(["ls-remote", through, "refs/heads/main"])).toBe(`${id}\trefs/heads/main`);
    await work.remove();
  });
});
