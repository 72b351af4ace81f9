// Slack incoming webhook: `text` (mrkdwn; the notification's fallback) and one
// section block. The URL is the credential. Pure.
import type { AlertEventData } from "../../../schemas/status/alert-event.js";
import { jsonRequest, type HttpRequest } from "../http-request.js";

const icon = { info: ":white_check_mark:", warning: ":warning:", error: ":x:" } as const;

export function slackMessage(url: string, alert: AlertEventData): HttpRequest {
  const text = `${icon[alert.severity]} *${alert.type}* ${escape(alert.message)}${alert.url ? ` <${alert.url}|details>` : ""}`;
  return jsonRequest(url, {
    text,
    blocks: [{ type: "section", text: { type: "mrkdwn", text } }],
  });
}

/** Slack's three control characters in text (its docs: escape &, < and >). */
function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
