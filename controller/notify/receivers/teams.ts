// Microsoft Teams Workflows webhook: a `message` with one Adaptive Card
// (version 1.2, as Microsoft's example), a link as Action.OpenUrl. Pure.
import type { AlertEventData } from "../../../schemas/status/alert-event.js";
import { jsonRequest, type HttpRequest } from "../http-request.js";

const color = { info: "Good", warning: "Warning", error: "Attention" } as const;

export function teamsMessage(url: string, alert: AlertEventData): HttpRequest {
  return jsonRequest(url, {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.2",
          body: [
            {
              type: "TextBlock",
              text: alert.type,
              weight: "Bolder",
              color: color[alert.severity],
              wrap: true,
            },
            { type: "TextBlock", text: alert.message, wrap: true },
          ],
          ...(alert.url
            ? { actions: [{ type: "Action.OpenUrl", title: "Details", url: alert.url }] }
            : {}),
        },
      },
    ],
  });
}
