// What a failed fetch means for a person reading a status field, and whether
// trying again can help. Messages never quote the server's body or our
// request, so nothing of the credentials can travel in them.
import { describeError, SourceError } from "../errors.js";
import { CorruptObjectError } from "./git/delta.js";
import { PackLimitError } from "./git/limits.js";
import { ProtocolError } from "./git/pkt-line.js";
import { HttpTimeoutError } from "./http.js";
import { SshError } from "./ssh-transport.js";

/**
 * A failed fetch as the SourceError a status shows: the reason in words
 * (`redact` takes out anything of the credentials), retried unless the server
 * refuses us or has no such repository. No `cause`: it may quote our request.
 */
export function fetchError(
  label: string,
  err: unknown,
  hadCredentials: boolean,
  redact: (text: string) => string,
): SourceError {
  return new SourceError(label, redact(reasonFor(err, hadCredentials)), {
    retry: isPermanent(err) ? "never" : "backoff",
  });
}

/** Failures retrying cannot fix: the server refuses us, has no such repository, or passes a limit. */
function isPermanent(err: unknown): boolean {
  if (err instanceof SshError) return err.retry === "never";
  const status = httpStatus(err);
  return (
    err instanceof PackLimitError ||
    status === 401 ||
    status === 403 ||
    status === 404 ||
    (err as { code?: string }).code === "SmartHttpError"
  );
}

/** What went wrong, in words for a status field. */
function reasonFor(err: unknown, hadCredentials: boolean): string {
  const status = httpStatus(err);
  if (status === 401) {
    return hadCredentials
      ? "the server refused the credentials (HTTP 401)"
      : "the server asks for credentials (HTTP 401) and none were given";
  }
  if (status === 403) return "access denied (HTTP 403)";
  if (status === 404) return "no repository at this URL (HTTP 404)";
  if (status !== undefined) return `the server answered HTTP ${status}`;
  if (err instanceof HttpTimeoutError) return `timed out: ${err.message}`;
  if (err instanceof SshError) return err.message;
  if (err instanceof PackLimitError) return `refused the server's answer: ${err.message}`;
  if (err instanceof CorruptObjectError) return `the server sent a damaged pack: ${err.message}`;
  if (err instanceof ProtocolError) return err.message;
  if ((err as { code?: string }).code === "SmartHttpError")
    return "the URL does not serve a Git repository";
  // A reset after the server accepted us (protocol v2 talks in several requests).
  if (describeError(err).startsWith("ECONNRESET"))
    return "the connection broke in the middle of the server's answer (ECONNRESET)";
  return `cannot reach the server: ${describeError(err)}`;
}

/** The status of a server that answered with an HTTP error. */
export function httpStatus(err: unknown): number | undefined {
  const e = err as { code?: string; data?: { statusCode?: number } };
  return e.code === "HttpError" ? e.data?.statusCode : undefined;
}
