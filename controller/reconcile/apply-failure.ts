// The error that failed writes amount to, typed so that its code reaches the
// status: a cluster that did not answer is ClusterUnavailable (retried with
// backoff, issue 8), an object that exists without our label is a Conflict, a
// write the API server refused is ClusterRejected, and a mix is Internal.
import {
  ClusterRejectedError,
  ClusterUnavailableError,
  ConflictError,
  type ErrorCode,
} from "../errors.js";

export interface FailedObject {
  kind: string;
  name: string;
  namespace?: string;
  message: string;
  code?: ErrorCode;
}

export function applyFailure(failed: FailedObject[], prefix = ""): Error {
  const message = prefix + failed.map((e) => `${e.kind} ${e.name}: ${e.message}`).join("; ");
  const all = (code: ErrorCode) => failed.length > 0 && failed.every((e) => e.code === code);
  if (all("ClusterUnavailable")) return new ClusterUnavailableError(message);
  if (all("Conflict")) return new ConflictError(failed);
  if (all("ClusterRejected")) return new ClusterRejectedError(message);
  return new Error(message);
}
