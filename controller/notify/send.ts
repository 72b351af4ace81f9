// Sends one request and says what came back, as data (retry.ts decides what
// next). The only place that talks to Git hosts and receivers. What it returns
// never holds the URL (a receiver's URL is a secret) or a header.
import type { HttpRequest } from "./http-request.js";
import type { Answer } from "./retry.js";

export type Send = (request: HttpRequest, timeoutMs: number) => Promise<Answer>;

export const send: Send = async (request, timeoutMs) => {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { fatal: "the URL is not a valid URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return { fatal: "the URL is not an http(s) URL" };
  try {
    const response = await fetch(url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: "error",
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    return { status: response.status, headers };
  } catch (err) {
    return { error: networkError(err, timeoutMs) };
  }
};

/** What went wrong, in words that hold no URL: Node's fetch errors may. */
function networkError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; cause?: { code?: unknown; name?: unknown } };
  if (e?.name === "TimeoutError" || e?.name === "AbortError")
    return `no answer within ${timeoutMs / 1000}s`;
  const code = e?.cause?.code ?? e?.cause?.name;
  return typeof code === "string" && /^[A-Za-z_]+$/.test(code)
    ? `network error ${code}`
    : "network error";
}
