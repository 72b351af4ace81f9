// What a URL source does when the server misbehaves: every failure is a
// SourceError with a message a person can act on, retried with backoff a
// bounded number of times (unless the server refuses us or has no such
// repository: that says retry "never"), and the last good refs and objects stay usable.
// Credentials never show: not in messages, logs, labels or files on disk.
import { randomBytes } from "node:crypto";
import { readdir, readFile, rm } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { SourceError, type Retry } from "../../controller/errors.js";
import { openUrlSource, type UrlSourceOptions } from "../../controller/source/url-source.js";
import type { GitSource } from "../../controller/source/types.js";
import { startGitServer, type GitServer } from "../../hack/git/server.js";
import { createRepoWithClone } from "../support/git.js";
import { tempDir } from "./native.js";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const fastRetry = { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 };

async function open(
  options: Omit<UrlSourceOptions, "stateDir">,
): Promise<{ source: GitSource; stateDir: string }> {
  const tmp = await tempDir("state");
  cleanups.push(tmp.remove);
  const source = await openUrlSource({ retry: fastRetry, ...options, stateDir: tmp.dir });
  cleanups.push(() => source.close());
  return { source, stateDir: tmp.dir };
}

/** A server of our own over the shared root, so its faults touch no other suite. */
async function faultyServer(): Promise<GitServer> {
  const server = await startGitServer({ root: inject("gitRoot") });
  cleanups.push(() => server.close());
  return server;
}

async function failure(p: Promise<unknown>, retry: Retry = "backoff"): Promise<SourceError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SourceError);
  expect((err as SourceError).code).toBe("SourceUnavailable");
  expect((err as SourceError).retry).toBe(retry);
  return err as SourceError;
}

/** A URL on a port nobody listens on (one that was free a moment ago). */
async function closedPortUrl(): Promise<string> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}/repo.git`;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(path.join(e.parentPath, e.name));
  }
  return out;
}

describe("a URL source when things go wrong", () => {
  it("keeps the last good refs and objects when the server fails with 500, and retries before giving up", async () => {
    const server = await faultyServer();
    const { repo, work } = await createRepoWithClone("fail500");
    cleanups.push(() => work.remove());
    const good = await work.commitAndPush({ "kubefox.yaml": "good\n" }, "good");
    const url = server.repoUrl(repo.name);
    const logs: string[] = [];
    const { source } = await open({ url, log: (e) => e.level !== "debug" && logs.push(e.msg) });
    await source.sync();

    await work.commitAndPush({ "kubefox.yaml": "unseen\n" }, "unseen");
    server.fault = "error500";
    const before = server.requests.length;
    const err = await failure(source.sync());
    expect(err.message).toBe(`source ${url}: the server answered HTTP 500`);
    expect(server.requests.length - before).toBe(2); // two attempts
    expect(logs).toEqual([
      expect.stringMatching(/^fetch failed, retrying in \d+ ms: the server answered HTTP 500$/),
    ]);

    expect(source.refs().branches.get("main")).toBe(good);
    const read = await (await source.tree(good)).read("kubefox.yaml", 100);
    expect(read.kind === "file" && read.data.toString()).toBe("good\n");

    server.fault = "ok";
    expect((await source.sync()).branches.get("main")).not.toBe(good);
  });

  it("reports a response cut short as a damaged transfer, keeping the last good state", async () => {
    const server = await faultyServer();
    const { repo, work } = await createRepoWithClone("cut");
    cleanups.push(() => work.remove());
    const good = await work.commitAndPush({ "a.txt": "a\n" }, "a");
    const { source } = await open({ url: server.repoUrl(repo.name) });
    await source.sync();
    // Incompressible, so the pack spans many writes and the server cuts it mid-way.
    await work.commitAndPush({ "a.txt": randomBytes(256 * 1024).toString("base64") }, "b");
    server.fault = "cut-short";
    const err = await failure(source.sync());
    // Cut in the list of refs or in the pack, depending on timing.
    expect(err.message).toMatch(
      /: (the list of refs was cut short|the connection broke in the middle of the server's answer \(ECONNRESET\))$/,
    );
    expect(source.refs().branches.get("main")).toBe(good);
  });

  it("times out when the server accepts and never answers", async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
    const port = (silent.address() as net.AddressInfo).port;
    const started = Date.now();
    const { source } = await open({ url: `http://127.0.0.1:${port}/repo.git`, timeoutMs: 300 });
    const err = await failure(source.sync());
    expect(err.message).toBe(
      `source http://127.0.0.1:${port}/repo.git: timed out: no answer from the server for 0.3s`,
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it.each([
    [
      "a closed port",
      closedPortUrl,
      /cannot reach the server: connect ECONNREFUSED 127\.0\.0\.1:\d+$/,
      "backoff",
    ],
    [
      "a missing repository",
      async () => `${inject("gitUrl")}/no-such-repo.git`,
      /no repository at this URL \(HTTP 404\)$/,
      "never",
    ],
  ] as const)("says so for %s", async (_what, url, message, retry) => {
    const { source } = await open({ url: await url() });
    expect((await failure(source.sync(), retry)).message).toMatch(message);
  });

  it("reports a repository with a missing object on the server as a source error, keeping the last good state", async () => {
    const { repo, work } = await createRepoWithClone("corrupt");
    cleanups.push(() => work.remove());
    const good = await work.commitAndPush({ "a.txt": "a\n" }, "a");
    const { source } = await open({ url: repo.url });
    await source.sync();
    const bad = await work.commitAndPush({ "b.txt": "only in the bad commit\n" }, "b");
    const blob = await work.git("rev-parse", `${bad}:b.txt`);
    await rm(path.join(repo.bareDir, "objects", blob.slice(0, 2), blob.slice(2)));

    const err = await failure(source.sync());
    expect(err.message).toBe(
      `source ${repo.url}: remote error: aborting due to possible repository corruption on the remote side.`,
    );
    expect(source.refs().branches.get("main")).toBe(good);
    expect((await (await source.tree(good)).read("a.txt", 10)).kind).toBe("file");
  });
});

describe("credentials", () => {
  const user = () => inject("gitAuthUser");
  const password = () => inject("gitAuthPassword");

  it("open a repository behind basic auth, and never land on disk", async () => {
    const { repo, work } = await createRepoWithClone("auth");
    cleanups.push(() => work.remove());
    const id = await work.commitAndPush({ "a.txt": "a\n" }, "a");
    const url = `${inject("gitAuthUrl")}/${repo.name}.git`;
    const { source, stateDir } = await open({
      url,
      credentials: { username: user(), password: password() },
    });
    expect((await source.sync()).branches.get("main")).toBe(id);
    for (const file of await filesUnder(stateDir)) {
      expect(await readFile(file, "latin1")).not.toContain(password());
    }
  });

  it("never show in errors, logs or labels, whether they are wrong, missing or in the URL", async () => {
    const { repo } = await createRepoWithClone("auth-fail");
    const authUrl = `${inject("gitAuthUrl")}/${repo.name}.git`;
    const withPassword = authUrl.replace("//", `//${user()}:${password()}x@`);
    const logs: unknown[] = [];
    const cases: Omit<UrlSourceOptions, "stateDir">[] = [
      { url: authUrl, credentials: { username: user(), password: `${password()}x` } },
      { url: authUrl, credentials: { token: `${password()}x` } },
      { url: withPassword },
      { url: authUrl },
    ];
    const labels: string[] = [];
    for (const options of cases) {
      const { source } = await open({ ...options, log: (e) => logs.push(e) });
      labels.push(source.label);
      // A refusal is not retried: the same credentials get the same answer.
      const err = await failure(source.sync(), "never");
      expect(err.message).toMatch(
        options.credentials || options.url.includes("@")
          ? /the server refused the credentials \(HTTP 401\)$/
          : /the server asks for credentials \(HTTP 401\) and none were given$/,
      );
      const shown = [
        err.message,
        err.stack,
        JSON.stringify(err),
        source.label,
        JSON.stringify(logs),
      ].join("\n");
      expect(shown).not.toContain(password());
      expect(shown).not.toContain(Buffer.from(`${user()}:${password()}x`).toString("base64"));
    }
    expect(labels[2]).toBe(authUrl.replace("//", `//${user()}:***@`));
    expect(JSON.stringify(logs)).not.toContain("retrying");
  });
});
