// A webhook from receipt to answer, as plain functions (DESIGN §5): refuse an
// unsigned request before its body is read, check the signature over the raw
// body, parse it, and request a sync of the watched repositories the push names.
// The answer goes out at once; the sync runs after. Nothing of a body whose
// signature failed is parsed or logged.
import { randomUUID } from "node:crypto";
import type { WebhookAnswerBody } from "../schemas/api/webhook-answer.js";
import { matchesRepository } from "./match-repo.js";
import { parsePayload } from "./payload.js";
import { header, type Headers, type Provider } from "./provider.js";

/** Log fields (the controller logger's shape). */
export type Fields = Record<string, unknown>;

/** How a webhook request ended: the `result` label of the webhook metric. */
export type WebhookResult =
  "accepted" | "unmatched" | "ping" | "ignored" | "unauthorized" | "too_large" | "bad_request";

export interface WebhookAnswer {
  status: number;
  body: WebhookAnswerBody;
  result: WebhookResult;
  /** What to log (never the body). */
  fields: Fields;
}

export interface WebhookTarget {
  /** The shared secret; undefined refuses every webhook (there is nothing to check a signature with). */
  secret: string | undefined;
  /** The watched repositories as given to --repo. */
  repositories(): readonly string[];
  /**
   * Asks every repository whose location `matches` to fetch and sync; returns how many.
   * `refs`: the full ref names the push changed, when its payload says (`refs/heads/main`).
   */
  requestSync(matches: (location: string) => boolean, reason: string, refs?: string[]): number;
  newSyncId?: () => string;
}

export interface WebhookRequest {
  headers: Headers;
  body: Buffer;
}

/** Headers that name one delivery, per provider, for correlating logs with the host's UI. */
const deliveryHeaders = [
  "x-github-delivery",
  "x-gitea-delivery",
  "x-gitlab-event-uuid",
  "x-request-uuid",
  "x-request-id",
];

function delivery(headers: Headers): Fields {
  for (const name of deliveryHeaders) {
    const value = header(headers, name);
    if (value) return { delivery: value.slice(0, 100) };
  }
  return {};
}

function unauthorized(provider: Provider, headers: Headers, why: string): WebhookAnswer {
  return {
    status: 401,
    body: { message: `webhook refused: ${why}` },
    result: "unauthorized",
    fields: { provider: provider.name, why, ...delivery(headers) },
  };
}

/** The check made before the body is read: a secret exists and the request carries a signature. */
export function checkSigned(
  provider: Provider,
  headers: Headers,
  secret: string | undefined,
): WebhookAnswer | undefined {
  // Without a configured secret no signature can be checked, so nothing is trusted.
  if (secret === undefined)
    return unauthorized(provider, headers, "no webhook secret is configured");
  if (!provider.signed(headers)) return unauthorized(provider, headers, "the signature is missing");
  return undefined;
}

export function tooLarge(provider: Provider, headers: Headers, limit: number): WebhookAnswer {
  return {
    status: 413,
    body: { message: `webhook refused: the body is larger than ${limit} bytes` },
    result: "too_large",
    fields: { provider: provider.name, ...delivery(headers) },
  };
}

export function receiveWebhook(
  provider: Provider,
  request: WebhookRequest,
  target: WebhookTarget,
): WebhookAnswer {
  const { headers, body } = request;
  const early = checkSigned(provider, headers, target.secret);
  if (early) return early;
  if (!provider.verify(target.secret!, body, headers))
    return unauthorized(provider, headers, "the signature does not match");

  const base = { provider: provider.name, ...delivery(headers) };
  const parsed = parsePayload(body, header(headers, "content-type"));
  if (!parsed.ok)
    return { status: 400, body: { message: parsed.message }, result: "bad_request", fields: base };
  const event = provider.parse(headers, parsed.value);
  switch (event.kind) {
    case "ping":
      return { status: 200, body: { message: "pong" }, result: "ping", fields: base };
    case "ignored":
      return {
        status: 200,
        body: { message: `event ${event.event} ignored: only pushes trigger a sync` },
        result: "ignored",
        fields: { ...base, event: event.event },
      };
    case "invalid":
      return { status: 400, body: { message: event.message }, result: "bad_request", fields: base };
    case "push": {
      const fields = {
        ...base,
        ...(event.repository ? { repository: event.repository } : {}),
        ...(event.ref ? { ref: event.ref } : {}),
        ...(event.refs ? { refs: event.refs } : {}),
        ...(event.commit ? { commit: event.commit } : {}),
      };
      const matched = target.repositories().filter((r) => matchesRepository(r, event.cloneUrls));
      if (matched.length === 0) {
        return {
          status: 202,
          body: { message: "no watched repository matches this push; nothing to do", matched: 0 },
          result: "unmatched",
          fields,
        };
      }
      const syncId = (target.newSyncId ?? randomUUID)();
      // The id rides in the sync's reason, so the sync it starts carries it in logs and events.
      const count = target.requestSync(
        (location) => matched.includes(location),
        `webhook ${provider.name} ${syncId}`,
        event.refs ?? (event.ref ? [event.ref] : undefined),
      );
      return {
        status: 202,
        body: { message: "sync requested", syncId, matched: count },
        result: "accepted",
        fields: { ...fields, syncId, matched: count },
      };
    }
  }
}
