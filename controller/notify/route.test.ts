import { describe, expect, it } from "vitest";
import type { NotificationDoc } from "../../schemas/notification.js";
import type { AlertEventData } from "../../schemas/status/alert-event.js";
import { routeAlert } from "./route.js";

const doc = (spec: Partial<NotificationDoc["spec"]>): NotificationDoc => ({
  apiVersion: "kubefox.io/v1alpha1",
  kind: "Notification",
  metadata: { name: "n" },
  spec: {
    receiver: { type: "slack", name: "chat" },
    events: [],
    platforms: [],
    environments: [],
    severity: "info",
    ...spec,
  },
});
const alert = (over: Partial<AlertEventData>): AlertEventData => ({
  time: "2026-11-27T20:00:00.000Z",
  type: "DeploymentReady",
  severity: "info",
  repo: "r",
  platform: "dev",
  message: "m",
  ...over,
});

describe("routeAlert", () => {
  it.each([
    ["everything by default", doc({}), alert({}), true],
    ["an event listed", doc({ events: ["DeploymentReady"] }), alert({}), true],
    ["an event not listed", doc({ events: ["DeploymentFailed"] }), alert({}), false],
    ["below the severity", doc({ severity: "warning" }), alert({}), false],
    [
      "at the severity",
      doc({ severity: "error" }),
      alert({ type: "DeploymentFailed", severity: "error" }),
      true,
    ],
    ["another platform", doc({ platforms: ["prod"] }), alert({}), false],
    ["the environment", doc({ environments: ["prod"] }), alert({ environment: "prod" }), true],
    ["no environment where one is asked", doc({ environments: ["prod"] }), alert({}), false],
    [
      "a source error ignores platforms",
      doc({ platforms: ["prod"] }),
      alert({ type: "SourceError", severity: "error", platform: undefined }),
      true,
    ],
  ])("%s", (_what, d, a, routed) => {
    expect(routeAlert(a, { n: d }).length).toBe(routed ? 1 : 0);
  });
});
