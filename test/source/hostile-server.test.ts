// A hostile Git server under a running controller (issue 16): a smart HTTP
// server of this file's own that advertises refs and answers upload-pack with
// what no honest server sends: an object claiming 4 GiB, a delta whose result
// claims 4 GiB, a pack of a million tiny objects, ten million refs, an
// endless response, a slow drip, a truncated pack. Each is its own repository
// of one real controller (against the real control plane), beside a real one
// on the shared Git server. Each hostile fetch fails alone with
// SourceUnavailable and a message that says what the server did, the
// controller's peak memory stays far below what the claims would take, and it
// keeps serving its API and deploying pushes to the real repository.
import { createHash, randomBytes } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import { serverUrl } from "../support/api.js";
import {
  deploymentStatus,
  startController,
  type RunningController,
} from "../support/controller.js";
import { Cleanup, healthy, logRecords } from "../support/failure-helpers.js";
import { createRepoWithClone } from "../support/git.js";
import { clients, eventually } from "../support/kube.js";
import { platformFile, systemFiles } from "../support/systems.js";

const GiB4 = 4 * 1024 ** 3;
const WANTED = "c0ffee".padEnd(40, "0");

function pkt(data: string | Buffer): Buffer {
  const body = typeof data === "string" ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, "0")), body]);
}
const FLUSH = Buffer.from("0000");
const band = (n: number, data: Buffer) => pkt(Buffer.concat([Buffer.of(n), data]));

/** A pack entry's header: type and inflated size, as gitformat-pack(5) packs them. */
function entryHeader(type: number, size: number): Buffer {
  const bytes = [(type << 4) | (size % 16)];
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    bytes[bytes.length - 1]! |= 0x80;
    bytes.push(rest % 128);
    rest = Math.floor(rest / 128);
  }
  return Buffer.from(bytes);
}

/** A delta's size field: little-endian base 128. */
function deltaSize(n: number): number[] {
  const out: number[] = [];
  do {
    out.push((n % 128) | (n >= 128 ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return out;
}

function pack(entries: Buffer[], count = entries.length): Buffer {
  const header = Buffer.alloc(12);
  header.write("PACK");
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(count, 8);
  const body = Buffer.concat([header, ...entries]);
  return Buffer.concat([body, createHash("sha1").update(body).digest()]);
}

const blob = (content: Buffer) =>
  Buffer.concat([entryHeader(3, content.length), zlib.deflateSync(content)]);

/** The pack as upload-pack sends it: NAK, then band 1 in packets of at most 65,515 bytes. */
function sideBand(data: Buffer, end = true): Buffer {
  const parts = [pkt("NAK\n")];
  for (let i = 0; i < data.length; i += 65515) parts.push(band(1, data.subarray(i, i + 65515)));
  if (end) parts.push(FLUSH);
  return Buffer.concat(parts);
}

/** Writes what `chunks` yields as the client takes it; stops when the client goes. */
async function stream(res: http.ServerResponse, chunks: Iterable<Buffer> | AsyncIterable<Buffer>) {
  for await (const chunk of chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk)) await drainedOrClosed(res);
  }
  res.end();
}

function drainedOrClosed(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

function* advertisement(refs: number): Generator<Buffer> {
  yield pkt("# service=git-upload-pack\n");
  yield FLUSH;
  yield pkt(
    `${WANTED} HEAD\0side-band-64k ofs-delta symref=HEAD:refs/heads/main agent=git/hostile\n`,
  );
  yield pkt(`${WANTED} refs/heads/main\n`);
  for (let i = 0; i < refs; i += 10_000) {
    const lines: Buffer[] = [];
    for (let j = i; j < Math.min(refs, i + 10_000); j++)
      lines.push(pkt(`${WANTED} refs/tags/t${j}\n`));
    yield Buffer.concat(lines);
  }
  yield FLUSH;
}

interface Case {
  name: string;
  /** What the repository's failed fetch says (the log's `error`). */
  says: RegExp;
  refs?: number;
  answer?: (res: http.ServerResponse) => Promise<void>;
}

const cases: Case[] = [
  {
    name: "an object claiming 4 GiB",
    says: /object 1 of 1 \(at byte 12 of the pack\) is 4 GiB, over the limit of 100 MiB/,
    answer: (res) =>
      stream(res, [sideBand(pack([Buffer.concat([entryHeader(3, GiB4), zlib.deflateSync("x")])]))]),
  },
  {
    name: "a delta whose result claims 4 GiB",
    says: /the object a delta makes is 4 GiB, over the limit of 100 MiB/,
    answer: (res) => {
      const base = blob(Buffer.from("hello"));
      const delta = Buffer.from([...deltaSize(5), ...deltaSize(GiB4), 0x90, 5]);
      // An offset delta (type 6) whose base is the entry just before it.
      const ofs = Buffer.concat([
        entryHeader(6, delta.length),
        Buffer.of(base.length),
        zlib.deflateSync(delta),
      ]);
      return stream(res, [sideBand(pack([base, ofs]))]);
    },
  },
  {
    name: "a pack of a million tiny objects",
    says: /the pack holds 1000000 objects, over the limit of 250000/,
    answer: (res) =>
      stream(
        res,
        (function* () {
          const header = Buffer.alloc(12);
          header.write("PACK");
          header.writeUInt32BE(2, 4);
          header.writeUInt32BE(1_000_000, 8);
          yield Buffer.concat([pkt("NAK\n"), band(1, header)]);
          for (let i = 0; i < 1_000_000; i += 1000) {
            const entries: Buffer[] = [];
            for (let j = i; j < i + 1000; j++) entries.push(blob(Buffer.from(`${j}\n`)));
            yield sideBand(Buffer.concat(entries), false).subarray(8);
          }
        })(),
      ),
  },
  {
    name: "ten million refs",
    says: /the server lists more than 200000 refs/,
    refs: 10_000_000,
  },
  {
    name: "an endless response",
    says: /the pack response did not end within 10s/,
    answer: async (res) => {
      res.write(pkt("NAK\n"));
      while (!res.destroyed) {
        // 20 KiB a second: far above the minimum rate, so only the deadline ends it.
        res.write(band(2, Buffer.from(`Counting objects: ${randomBytes(512).toString("hex")}\r`)));
        await sleep(50);
      }
    },
  },
  {
    name: "a slow drip",
    says: /the pack response slowed to \d+ bytes in [\d.]+s, under the minimum of 1 KiB per 3s/,
    answer: async (res) => {
      for (const byte of sideBand(pack([blob(Buffer.from("drip"))]))) {
        if (res.destroyed) return;
        res.write(Buffer.of(byte));
        await sleep(300);
      }
      res.end();
    },
  },
  {
    name: "a truncated pack",
    says: /the server sent a damaged pack: pack checksum does not match: the pack is damaged \(the pack ends inside object 1 of 1 \(at byte 12\)\)/,
    answer: (res) => {
      const whole = pack([blob(randomBytes(200_000))]);
      return stream(res, [sideBand(whole.subarray(0, 100_000))]);
    },
  },
];

const slug = (c: Case) => c.name.replace(/[^a-z0-9]+/gi, "-");

function startHostileServer(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const found = cases.find((c) => req.url?.startsWith(`/${slug(c)}.git/`));
    if (!found) return void res.writeHead(404).end();
    if (req.url?.includes("/info/refs")) {
      res.writeHead(200, { "content-type": "application/x-git-upload-pack-advertisement" });
      void stream(res, advertisement(found.refs ?? 0));
      return;
    }
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/x-git-upload-pack-result" });
      void found.answer?.(res).catch(() => undefined);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** The controller's peak resident memory (VmHWM), in MiB. */
async function peakRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

const namespace = `hostile-${randomBytes(3).toString("hex")}`;
const web = "shop-branch-main-store-web";
const cleanup = new Cleanup();
let hostile: http.Server;
let hostileBase: string;
let work: WorkingCopy;
let controller: RunningController;
let base: string;

describe("a hostile Git server under a running controller", () => {
  beforeAll(async () => {
    const created = await createRepoWithClone("hostile");
    work = created.work;
    cleanup.add(() => work.remove());
    await work.commitAndPush(
      systemFiles({ image: "ghcr.io/acme/shop-web:1.0.0", replicas: 1 }),
      "v1",
    );
    await work.commitAndPush(platformFile("p", namespace, ["branch/main"]), "platform p");
    hostile = await startHostileServer();
    cleanup.add(() => new Promise<void>((r) => hostile.close(() => r())));
    cleanup.add(async () => void hostile.closeAllConnections());
    hostileBase = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
    controller = await startController(created.repo.url, {
      // The heap bound the install gives it (deploy/deployment.yaml), so V8 collects as it would there.
      env: { NODE_OPTIONS: "--max-old-space-size=384" },
      args: [
        ...cases.flatMap((c) => ["--repo", `${hostileBase}/${slug(c)}.git`]),
        // Short enough for a test; the defaults are 10m and 30s.
        "--git-fetch-deadline",
        "10s",
        "--git-idle-timeout",
        "3s",
      ],
    });
    cleanup.add(() => clients().core.deleteNamespace({ name: namespace }));
    cleanup.add(() => rm(controller.stateDir, { recursive: true, force: true }));
    cleanup.add(() => controller.stop());
    base = await serverUrl(controller.logs);
  });

  afterAll(() => cleanup.run());

  it("fails each hostile fetch alone, in bounded memory, and keeps serving and syncing the real repository", async () => {
    const head = await work.git("rev-parse", "HEAD");
    await deploymentStatus(
      namespace,
      "branch/main",
      (d) => d.state === "Ready" && d.appliedId === head,
      "Ready",
    );

    for (const c of cases) {
      const url = `${hostileBase}/${slug(c)}.git`;
      const failure = await eventually(
        async () =>
          logRecords(controller.logs()).find(
            (r) => r.repo === url && r.msg === "fetch failed; keeping the last good state",
          ),
        { what: `a failed fetch of ${c.name}`, timeoutMs: 60_000 },
      );
      expect(failure.code, c.name).toBe("SourceUnavailable");
      expect(failure.error, c.name).toMatch(c.says);
    }

    // Still serving, and still deploying what is pushed to the real repository.
    expect(await healthy(base)).toBe(true);
    const pushed = await work.commitAndPush(
      systemFiles({ image: "ghcr.io/acme/shop-web:2.0.0", replicas: 1 }),
      "v2",
    );
    await eventually(
      async () => {
        const d = await clients()
          .apps.readNamespacedDeployment({ name: web, namespace })
          .catch(() => undefined);
        return d?.spec?.template.spec?.containers[0]?.image === "ghcr.io/acme/shop-web:2.0.0"
          ? true
          : undefined;
      },
      { what: "the push to the real repository deployed", timeoutMs: 30_000 },
    );
    await deploymentStatus(namespace, "branch/main", (d) => d.appliedId === pushed, "at the push");

    // What the claims would take (4 GiB, twice) never came near: the whole
    // process, Node, tsx and the Kubernetes client included, peaked well under.
    const peak = await peakRssMiB(controller.process.pid!);
    console.log(
      `hostile-server: controller peak RSS ${Math.round(peak)} MiB on Node ${process.version}`,
    );
    expect(peak).toBeLessThan(400);
  });
});
