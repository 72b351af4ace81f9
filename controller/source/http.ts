// The HTTP client isomorphic-git's transport calls, on node:http(s), with the
// timeout Git's own client lacks by default: a request fails when the server
// sends nothing (no headers, or no body bytes) for `timeoutMs`. Not on fetch():
// its "bad ports" list refuses servers on ports a Git host may well use.
import http from "node:http";
import https from "node:https";
import type { GitHttpRequest, GitHttpResponse, HttpClient } from "isomorphic-git";
import { KubefoxError } from "../errors.js";

/** The Git server sent nothing for the timeout: retried, it may answer. */
export class HttpTimeoutError extends KubefoxError {
  readonly code = "SourceUnavailable";
  readonly retry = "backoff";
}

export const USER_AGENT = "git/kubefox-gitops";
const MAX_REDIRECTS = 5;

export function httpClient(timeoutMs: number): HttpClient {
  return {
    async request(req: GitHttpRequest): Promise<GitHttpResponse> {
      const body = req.body ? await collect(req.body) : undefined;
      const headers: Record<string, string> = { "user-agent": USER_AGENT, ...req.headers };
      if (body) headers["content-length"] = String(body.length);
      let url = new URL(req.url);
      for (let hop = 0; ; hop++) {
        const { res, failure } = await send(url, req.method ?? "GET", headers, body, timeoutMs);
        const location = res.headers.location;
        if (
          res.statusCode &&
          [301, 302, 303, 307, 308].includes(res.statusCode) &&
          location &&
          hop < MAX_REDIRECTS
        ) {
          res.resume();
          const next = new URL(location, url);
          // Credentials go only to the origin they were given for.
          if (next.origin !== url.origin) {
            delete headers.Authorization;
            delete headers.authorization;
          }
          url = next;
          continue;
        }
        return {
          url: url.toString(),
          method: req.method ?? "GET",
          statusCode: res.statusCode ?? 0,
          statusMessage: res.statusMessage ?? "",
          headers: flatHeaders(res.headers),
          body: readBody(res, failure),
        };
      }
    },
  };
}

/** One request; the socket's idle timeout covers connecting, waiting and reading. */
function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  timeoutMs: number,
): Promise<{ res: http.IncomingMessage; failure: () => Error | undefined }> {
  const client = url.protocol === "https:" ? https : http;
  let failed: Error | undefined;
  return new Promise((resolve, reject) => {
    const request = client.request(url, { method, headers, timeout: timeoutMs }, (res) =>
      resolve({ res, failure: () => failed }),
    );
    request.on("timeout", () => {
      failed = new HttpTimeoutError(`no answer from the server for ${timeoutMs / 1000}s`);
      request.destroy(failed);
    });
    request.on("error", (err) => reject(networkError(err)));
    request.end(body);
  });
}

/** The body as isomorphic-git reads it; a timeout mid-body says so rather than "aborted". */
async function* readBody(
  res: http.IncomingMessage,
  failure: () => Error | undefined,
): AsyncGenerator<Uint8Array, void, undefined> {
  try {
    for await (const chunk of res) yield chunk as Buffer;
  } catch (err) {
    throw failure() ?? networkError(err as Error);
  }
  const failed = failure();
  if (failed) throw failed;
  // A connection closed before the last chunk can end the stream quietly.
  if (!res.complete)
    throw new Error("the server closed the connection in the middle of its answer");
}

function networkError(err: Error): Error {
  if (err instanceof HttpTimeoutError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  return new Error(code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message);
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

async function collect(
  body: AsyncIterableIterator<Uint8Array> | Iterable<Uint8Array>,
): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(part);
  return Buffer.concat(parts);
}
