// HTTP to one API server: JSON requests and watch streams over a single
// keep-alive agent. This replaces @kubernetes/client-node at run time. Its
// import alone cost about 80 MB of memory (the whole generated API), and it
// made a new TLS connection for every request; the controller needs five verbs,
// discovery and watch, which are plain HTTP.
import http from "node:http";
import https from "node:https";
import { KubefoxError, type Retry } from "../errors.js";
import type { Connection } from "./kubeconfig.js";

/** The API server's Status object, as it answers a failed request. */
export interface ApiStatus {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
}

/**
 * A request the API server answered with an error status (4xx, 5xx). Too
 * many requests (429) and server errors (5xx) may pass and are retried; the
 * rest (forbidden, invalid, not found, conflict) will not.
 */
export class KubeApiError extends KubefoxError {
  readonly code = "ClusterRejected";
  readonly retry: Retry;

  constructor(
    /** The HTTP status code. */
    readonly statusCode: number,
    readonly status: ApiStatus | undefined,
    what: string,
  ) {
    super(
      `${what}: ${statusCode} ${status?.message ?? status?.reason ?? http.STATUS_CODES[statusCode] ?? ""}`,
    );
    this.retry = statusCode === 429 || statusCode >= 500 ? "backoff" : "never";
  }
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Default application/json; server-side apply sends application/apply-patch+yaml. */
  contentType?: string;
  /** Abandon the request (and its connection) after this long; the error is a TimeoutError. */
  timeoutMs?: number;
}

/** One event of a watch stream. */
export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: unknown;
}

export class KubeHttp {
  private readonly agent: http.Agent;
  private readonly secure: boolean;

  constructor(
    readonly connection: Connection,
    /** Default for requests that give no timeoutMs of their own. */
    private readonly defaults: { timeoutMs?: number } = {},
  ) {
    this.secure = connection.server.startsWith("https:");
    // No cap on sockets here: each watch holds one for as long as it runs, and the
    // Lease must never queue behind applies. ClusterClient bounds parallel calls itself.
    const agentOptions = { keepAlive: true };
    this.agent = this.secure
      ? new https.Agent({ ...agentOptions, ...connection.tls })
      : new http.Agent(agentOptions);
  }

  /** A JSON request; resolves to the parsed answer, rejects with KubeApiError on an error status. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const what = `${method} ${path}`;
    let answer = await this.send(method, path, options);
    if (answer.code === 401) {
      // A token that expired or rotated: fetch fresh credentials once.
      this.connection.invalidate();
      answer = await this.send(method, path, options);
    }
    const parsed = parseJson(answer.text);
    if (answer.code >= 400) throw new KubeApiError(answer.code, parsed as ApiStatus, what);
    return parsed as T;
  }

  /**
   * Streams a watch: `onEvent` for every event, until the server ends the
   * stream (resolves) or the connection fails (rejects). `signal` stops it.
   */
  async watch(
    path: string,
    query: RequestOptions["query"],
    onEvent: (event: WatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const res = await this.open("GET", path, { query: { ...query, watch: true } }, signal);
    if ((res.statusCode ?? 0) >= 400) {
      const text = await readAll(res);
      if (res.statusCode === 401) this.connection.invalidate();
      throw new KubeApiError(res.statusCode ?? 0, parseJson(text) as ApiStatus, `watch ${path}`);
    }
    res.setEncoding("utf8");
    let pending = "";
    await new Promise<void>((resolve, reject) => {
      res.on("data", (chunk: string) => {
        pending += chunk;
        try {
          let newline = pending.indexOf("\n");
          while (newline >= 0) {
            const line = pending.slice(0, newline).trim();
            pending = pending.slice(newline + 1);
            if (line) onEvent(JSON.parse(line) as WatchEvent);
            newline = pending.indexOf("\n");
          }
        } catch (err) {
          // A line that is not JSON, or a handler that wants the stream to end (410 Gone).
          res.destroy();
          reject(err as Error);
        }
      });
      res.on("end", resolve);
      res.on("error", reject);
      res.on("aborted", () => reject(new Error(`watch ${path}: connection closed`)));
    });
  }

  /** Closes idle connections; requests in flight finish. */
  close(): void {
    this.agent.destroy();
  }

  private async send(
    method: string,
    path: string,
    options: RequestOptions,
  ): Promise<{ code: number; text: string }> {
    const timeoutMs = options.timeoutMs ?? this.defaults.timeoutMs;
    const timeout = timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined;
    const res = await this.open(method, path, options, timeout);
    return { code: res.statusCode ?? 0, text: await readAll(res) };
  }

  private async open(
    method: string,
    path: string,
    options: RequestOptions,
    signal?: AbortSignal,
  ): Promise<http.IncomingMessage> {
    const { authorization } = await this.connection.credentials();
    const url = new URL(path, this.connection.server);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: http.OutgoingHttpHeaders = {
      accept: "application/json",
      "user-agent": "kubefox-gitops",
      ...(authorization ? { authorization } : {}),
      ...(body !== undefined
        ? {
            "content-type": options.contentType ?? "application/json",
            "content-length": Buffer.byteLength(body),
          }
        : {}),
    };
    const send = this.secure ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = send(url, { method, headers, agent: this.agent, signal }, resolve);
      req.on("error", (err) => reject(signal?.aborted ? timeoutError(signal, method, path) : err));
      req.end(body);
    });
  }
}

function timeoutError(signal: AbortSignal, method: string, path: string): Error {
  const reason = signal.reason as Error | undefined;
  const err = new Error(`${method} ${path}: ${reason?.message ?? "aborted"}`);
  err.name = reason?.name === "TimeoutError" ? "TimeoutError" : "AbortError";
  return err;
}

function readAll(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.on("error", reject);
    res.on("aborted", () => reject(new Error("connection closed before the answer ended")));
  });
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): keep the start of it as the message.
    return { message: text.slice(0, 300) };
  }
}
