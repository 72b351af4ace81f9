// A real Git server for tests, benchmarks and the local dev loop: `git http-backend`
// (the smart HTTP protocol, exactly what a hosted Git server speaks) run as a CGI
// behind a small Node HTTP server on 127.0.0.1, optionally behind basic auth.
import { spawn } from "node:child_process";
import { timingSafeEqual } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { git } from "./run.js";

export interface BasicAuth {
  username: string;
  password: string;
}

/** How the server misbehaves, for failure tests. `ok` serves normally. */
export type GitServerFault = "ok" | "error500" | "cut-short";

export interface GitServerOptions {
  /** Folder holding the bare repositories; a temporary one when omitted. */
  root?: string;
  /** Require these credentials on every request. */
  auth?: BasicAuth;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /**
   * Pass the client's `Git-Protocol` header on to git (default true), so
   * clients may speak protocol v2; false serves v0 only, as older servers do.
   */
  protocolV2?: boolean;
}

export interface GitServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly root: string;
  /** Requests served so far, by path, for tests that count fetches. */
  readonly requests: string[];
  /** Response body bytes sent so far (the benchmark's v2 against v0). */
  readonly bytesSent: number;
  fault: GitServerFault;
  /** Whether the Git-Protocol header reaches git (GitServerOptions.protocolV2); may change. */
  protocolV2: boolean;
  /** The clone URL of a repository, `name` without `.git`. */
  repoUrl(name: string): string;
  /** Creates an empty bare repository whose default branch is `main`. */
  createRepo(name: string): Promise<string>;
  /** Stops accepting connections and ends open ones. */
  close(): Promise<void>;
}

export async function startGitServer(options: GitServerOptions = {}): Promise<GitServer> {
  const ownsRoot = options.root === undefined;
  const root = options.root ?? (await mkdtemp(path.join(tmpdir(), "kubefox-git-")));
  await mkdir(root, { recursive: true });
  const requests: string[] = [];
  const state = {
    fault: "ok" as GitServerFault,
    bytesSent: 0,
    protocolV2: options.protocolV2 !== false,
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push(url.pathname);
    if (options.auth && !authorized(req.headers.authorization, options.auth)) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"' }).end("unauthorized\n");
      return;
    }
    if (state.fault === "error500") {
      res.writeHead(500).end("injected failure\n");
      return;
    }
    serveCgi(root, req, url, res, {
      cutShort: state.fault === "cut-short",
      protocolV2: state.protocolV2,
      sent: (n) => (state.bytesSent += n),
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    root,
    requests,
    get bytesSent() {
      return state.bytesSent;
    },
    get fault() {
      return state.fault;
    },
    set fault(value: GitServerFault) {
      state.fault = value;
    },
    get protocolV2() {
      return state.protocolV2;
    },
    set protocolV2(value: boolean) {
      state.protocolV2 = value;
    },
    repoUrl: (name) => `${base}/${name}.git`,
    async createRepo(name) {
      const dir = path.join(root, `${name}.git`);
      await git(["init", "--bare", "--quiet", "--initial-branch=main", dir]);
      return `${base}/${name}.git`;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownsRoot) await rm(root, { recursive: true, force: true });
    },
  };
}

function authorized(header: string | undefined, auth: BasicAuth): boolean {
  if (!header?.startsWith("Basic ")) return false;
  const given = Buffer.from(header.slice(6), "base64");
  const wanted = Buffer.from(`${auth.username}:${auth.password}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** Runs one request through `git http-backend` as the CGI/1.1 spec describes. */
function serveCgi(
  root: string,
  req: http.IncomingMessage,
  url: URL,
  res: http.ServerResponse,
  options: { cutShort: boolean; protocolV2: boolean; sent: (bytes: number) => void },
): void {
  const { cutShort } = options;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: "1",
    // Pushes over HTTP are refused unless a user is known or receive-pack is enabled.
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: "http.receivepack",
    GIT_CONFIG_VALUE_0: "true",
    GATEWAY_INTERFACE: "CGI/1.1",
    REQUEST_METHOD: req.method ?? "GET",
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ""),
    REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
    REMOTE_USER: "git",
    SERVER_PROTOCOL: "HTTP/1.1",
  };
  const header = (name: string) => req.headers[name] as string | undefined;
  if (header("content-type")) env.CONTENT_TYPE = header("content-type");
  if (header("content-length")) env.CONTENT_LENGTH = header("content-length");
  if (header("content-encoding")) env.HTTP_CONTENT_ENCODING = header("content-encoding");
  if (header("git-protocol") && options.protocolV2) env.GIT_PROTOCOL = header("git-protocol");

  const child = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
  req.pipe(child.stdin);
  child.stdin.on("error", () => undefined);
  child.stderr.resume();

  let head = Buffer.alloc(0);
  let headersSent = false;
  let bodyBytes = 0;
  child.stdout.on("data", (chunk: Buffer) => {
    if (headersSent) {
      bodyBytes += chunk.length;
      if (cutShort && bodyBytes > 64) {
        // Send a little of the body, then drop the connection mid-response.
        res.socket?.destroy();
        child.kill();
        return;
      }
      options.sent(chunk.length);
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = findHeaderEnd(head);
    if (!end) return;
    const { status, headers } = parseCgiHeaders(head.subarray(0, end.index).toString("latin1"));
    res.writeHead(status, headers);
    headersSent = true;
    const rest = head.subarray(end.index + end.length);
    if (rest.length > 0) {
      bodyBytes += rest.length;
      options.sent(rest.length);
      res.write(rest);
    }
  });
  child.on("close", (code) => {
    if (!headersSent) {
      res.writeHead(500).end(`git http-backend exited with ${code}\n`);
      return;
    }
    res.end();
  });
  res.on("close", () => child.kill());
}

function findHeaderEnd(buf: Buffer): { index: number; length: number } | undefined {
  const crlf = buf.indexOf("\r\n\r\n");
  const lf = buf.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { index: crlf, length: 4 };
  if (lf >= 0) return { index: lf, length: 2 };
  return undefined;
}

function parseCgiHeaders(text: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = Number.parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers };
}
