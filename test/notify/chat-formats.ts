// The chat services publish no machine-readable schema for their webhook
// bodies, so these JSON Schemas are written from ../shared/specs/chat-webhooks.md
// (Slack's incoming webhooks page, Microsoft's "Send Adaptive Cards using an
// Incoming Webhook"), and nothing more is assumed than those notes say.
export const slackBodySchema = {
  type: "object",
  required: ["text"],
  properties: {
    text: { type: "string", minLength: 1 },
    blocks: {
      type: "array",
      items: {
        type: "object",
        required: ["type"],
        properties: {
          type: { type: "string" },
          text: {
            type: "object",
            required: ["type", "text"],
            properties: { type: { enum: ["mrkdwn", "plain_text"] }, text: { type: "string" } },
          },
        },
      },
    },
    attachments: { type: "array" },
    thread_ts: { type: "string" },
  },
  // App webhooks cannot change channel, username or icon: sending them is a mistake.
  not: {
    anyOf: [
      { required: ["channel"] },
      { required: ["username"] },
      { required: ["icon_emoji"] },
      { required: ["icon_url"] },
    ],
  },
} as const;

export const teamsBodySchema = {
  type: "object",
  required: ["type", "attachments"],
  properties: {
    type: { const: "message" },
    attachments: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["contentType", "content"],
        properties: {
          contentType: { const: "application/vnd.microsoft.card.adaptive" },
          contentUrl: { type: "null" },
          content: {
            type: "object",
            required: ["type", "version", "body"],
            properties: {
              type: { const: "AdaptiveCard" },
              version: { type: "string", pattern: "^1\\.[0-5]$" },
              $schema: { const: "http://adaptivecards.io/schemas/adaptive-card.json" },
              body: {
                type: "array",
                items: {
                  type: "object",
                  required: ["type"],
                  properties: { type: { type: "string" } },
                },
              },
              actions: {
                type: "array",
                items: {
                  type: "object",
                  required: ["type"],
                  properties: {
                    // Action.Submit is not supported through a webhook.
                    type: {
                      enum: ["Action.OpenUrl", "Action.ShowCard", "Action.ToggleVisibility"],
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

/** Teams caps a message at about 28 KB. */
export const teamsMaxBytes = 28 * 1024;
