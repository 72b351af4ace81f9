// The errors kubefox-gitops reports. As in isomorphic-git, each is one class
// with a stable `code` and the data that says what and where (the ref, the
// file and line, the objects); as in fastify, the codes form one catalogue that
// the README documents in full (errors.test.ts checks both ways). Each error
// also says whether trying again can help (`retry`): the loops that retry (a
// cluster call, a Git fetch, a platform's sync) ask `retryable`. Messages say
// what is wrong and where; they never carry a credential or a secret value.

/**
 * Every code the controller can put in a status (`lastErrorCode`) or a log
 * line (`code`). Add one here, to a class below and to the README's table.
 */
export const errorCodes = [
  /** A file in the repository breaks the schema or cannot be parsed. */
  "ValidationFailed",
  /** A ref does not resolve (no such branch or tag, ambiguous id, no matching semver tag). */
  "RefNotFound",
  /** Fetching or reading the Git source failed (network, auth, corrupt pack). */
  "SourceUnavailable",
  /** A call to a cluster failed in a way that may pass (timeout, 5xx, connection refused). */
  "ClusterUnavailable",
  /** The API server refused a call for good (forbidden, an invalid object, a kind it does not serve). */
  "ClusterRejected",
  /** An object we want exists and is not ours: left alone. */
  "Conflict",
  /** The platform's policy refuses what the repository asks (privileged, hostPath ...). */
  "PolicyViolation",
  /** A flag, environment variable or file given to the CLI is wrong. */
  "InvalidSettings",
  /** A release's pending version was not Available within its deadline; a new commit tries again. */
  "ActivationDeadlineExceeded",
  /** A write refused because this replica does not hold the leader Lease (any more). */
  "NotLeader",
  /** `kubefox-gitops get` could not read a controller's status API or the status ConfigMaps. */
  "StatusUnavailable",
  /** Anything else: an error without a code of its own, which is a bug to report. */
  "Internal",
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** Retry with backoff (the failure may pass by itself), or never (it waits for a new commit or a person). */
export type Retry = "backoff" | "never";

export abstract class KubefoxError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly retry: Retry;
  override get name(): string {
    return this.constructor.name;
  }
}

/** The code of whatever was thrown: its own, or `Internal` for an error outside the catalogue. */
export function errorCode(err: unknown): ErrorCode {
  return err instanceof KubefoxError ? err.code : "Internal";
}

/** May trying again with backoff help? Only an error that says so: anything else is not retried. */
export function retryable(err: unknown): boolean {
  return err instanceof KubefoxError && err.retry === "backoff";
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
  readonly retry: Retry;
  /**
   * `url` must already be masked (see maskUrl): it goes into logs and status.
   * `retry` is "never" when the server refused us for good (401, 403, 404).
   */
  constructor(
    readonly url: string,
    readonly reason: string,
    options?: { cause?: unknown; retry?: Retry },
  ) {
    super(`source ${url}: ${reason}`, options);
    this.retry = options?.retry ?? "backoff";
  }
}

export class ClusterUnavailableError extends KubefoxError {
  readonly code = "ClusterUnavailable";
  readonly retry = "backoff";
}

/** Writes the API server refused for good (an invalid object, forbidden): a new commit or a person must change something. */
export class ClusterRejectedError extends KubefoxError {
  readonly code = "ClusterRejected";
  readonly retry = "never";
}

/** An object as a conflict names it. */
export interface ObjectName {
  kind: string;
  name: string;
  namespace?: string;
}

/** Objects we want that exist without our label: never changed or deleted (DESIGN §3). */
export class ConflictError extends KubefoxError {
  readonly code = "Conflict";
  readonly retry = "never";
  constructor(readonly objects: ObjectName[]) {
    const names = objects.map((o) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`);
    super(
      `${names.join(", ")}: ${objects.length === 1 ? "exists" : "exist"} without the label app.kubernetes.io/managed-by=kubefox-gitops: left alone`,
    );
  }
}

export class PolicyError extends KubefoxError {
  readonly code = "PolicyViolation";
  readonly retry = "never";
}

export class SettingsError extends KubefoxError {
  readonly code = "InvalidSettings";
  readonly retry = "never";
}

/** A release's pending version that was not Available in time; its ref must move to try again. */
export class ActivationDeadlineError extends KubefoxError {
  readonly code = "ActivationDeadlineExceeded";
  readonly retry = "never";
}

/** `get` could not read status: a server or cluster that does not answer, a 401, an answer it cannot use. */
export class StatusReadError extends KubefoxError {
  readonly code = "StatusUnavailable";
  readonly retry = "never";
}

/** A write refused because this process does not hold the leader Lease (any more). */
export class NotLeaderError extends KubefoxError {
  readonly code = "NotLeader";
  readonly retry = "never";
  /** `what`: the write refused, as `apply ConfigMap ns/name`. */
  constructor(readonly what: string) {
    super(`${what}: not the leader`);
  }
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
