// A generic webhook: the alert as JSON (schemas/notify/webhook-body.ts), signed
// with HMAC-SHA256 of the body in `X-Signature: sha256=<hex>`, the scheme of
// our own generic inbound webhook. Pure.
import { createHmac } from "node:crypto";
import { API_VERSION } from "../../../schemas/common.js";
import type { WebhookBody } from "../../../schemas/notify/webhook-body.js";
import type { AlertEventData } from "../../../schemas/status/alert-event.js";
import { jsonRequest, type HttpRequest } from "../http-request.js";

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export function genericMessage(
  url: string,
  secret: string,
  notification: string,
  alert: AlertEventData,
): HttpRequest {
  const body: WebhookBody = { apiVersion: API_VERSION, kind: "Alert", notification, alert };
  const request = jsonRequest(url, body);
  request.headers["x-signature"] = signature(secret, request.body);
  return request;
}
