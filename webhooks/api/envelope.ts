// Every status API answer has KubeFox v0's envelope: `isError`, `code` (the
// HTTP status), `msg`, and `data` or `validationErrors` (schemas/api/envelope.ts).
import type { FromSchema } from "json-schema-to-ts";
import type { ErrorAnswer, successSchema } from "../../schemas/api/envelope.js";

/** A found answer; `data` is the object or list asked for. */
type Success = FromSchema<ReturnType<typeof successSchema<object>>>;

export type Envelope = Success | ErrorAnswer;

export interface Answer {
  status: number;
  body: Envelope;
}

export function found(msg: string, data: unknown): Answer {
  return { status: 200, body: { isError: false, code: 200, msg, data } };
}

export function listed(what: string, list: string[]): Answer {
  return found(`listed ${list.length} ${what}`, list);
}

export function failed(code: number, msg: string, validationErrors?: string[]): Answer {
  return {
    status: code,
    body: { isError: true, code, msg, ...(validationErrors ? { validationErrors } : {}) },
  };
}

export function notFound(what: string): Answer {
  return failed(404, `${what} not found`);
}

/** A failure other than "not found", thrown by the view: an invalid tree (422), an unreachable cluster (503). */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly validationErrors?: string[],
  ) {
    super(message);
  }
}

export const readOnlyMessage =
  "the status API is read-only: changes go through Git (commit and push to the repository)";
