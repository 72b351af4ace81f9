// The errors kubefox-gitops reports. Each has a stable `code` and says whether
// retrying can help (`retry`): transient failures are retried with backoff,
// the rest wait for a new commit or a person. Messages say what is wrong and
// where; they never carry a credential or a secret value.

/** Every code the controller can report; the README lists each. */
export type ErrorCode =
  /** A file in the repository breaks the schema or cannot be parsed. */
  | "ValidationFailed"
  /** A ref does not resolve (no such branch or tag, ambiguous id, no matching semver tag). */
  | "RefNotFound"
  /** Fetching from the Git source failed (network, auth, corrupt pack). */
  | "SourceUnavailable"
  /** A call to a cluster failed in a way that may pass (timeout, 5xx, connection refused). */
  | "ClusterUnavailable"
  /** An object we want exists and is not ours: left alone. */
  | "Conflict"
  /** The platform's policy refuses what the repository asks (privileged, hostPath ...). */
  | "PolicyViolation"
  /** A flag, environment variable or file given to the CLI is wrong. */
  | "InvalidSettings"
  /** A release's pending version was not Available within its deadline; a new commit tries again. */
  | "ActivationDeadlineExceeded";

export type Retry = "backoff" | "never";

export abstract class KubefoxError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly retry: Retry;
  override get name(): string {
    return this.constructor.name;
  }
}

/** One problem in one file, with the position the YAML parser gave it (1-based). */
export interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

export class ValidationError extends KubefoxError {
  readonly code = "ValidationFailed";
  readonly retry = "never";
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join("\n") || "invalid repository");
  }
}

export class RefNotFoundError extends KubefoxError {
  readonly code = "RefNotFound";
  readonly retry = "never";
  constructor(
    readonly ref: string,
    reason: string,
  ) {
    super(`ref ${ref}: ${reason}`);
  }
}

export class SourceError extends KubefoxError {
  readonly code = "SourceUnavailable";
  readonly retry = "backoff";
  /** `url` must already be masked (see maskUrl): it goes into logs and status. */
  constructor(
    readonly url: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`source ${url}: ${reason}`, options);
  }
}

export class ClusterUnavailableError extends KubefoxError {
  readonly code = "ClusterUnavailable";
  readonly retry = "backoff";
}

export class ConflictError extends KubefoxError {
  readonly code = "Conflict";
  readonly retry = "never";
}

export class PolicyError extends KubefoxError {
  readonly code = "PolicyViolation";
  readonly retry = "never";
}

export class SettingsError extends KubefoxError {
  readonly code = "InvalidSettings";
  readonly retry = "never";
}

/** A message fit for a log or a status field, whatever was thrown. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === "string") return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}

/** The URL with any password or token replaced by `***`, for logs and messages. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    else if (u.username) u.username = "***";
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
}
