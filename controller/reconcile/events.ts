// Sync results as Kubernetes Events on the platform's status ConfigMap (a
// managed object), so `kubectl get events` tells the story too. Only when
// something happened: a no-op resync creates none.
import { randomBytes } from "node:crypto";
import type { CoreV1Event } from "@kubernetes/client-node";
import type { ClusterClient } from "../cluster/client.js";
import { statusConfigMapName } from "../status/store.js";
import type { AlertType } from "../../schemas/status/alert-event.js";

export type EventReason =
  | "Applied"
  | "Pruned"
  | "SyncFailed"
  | "Conflict"
  | "Refused"
  // Alerts (issue 14), by their type: controller/notify/notifier.ts.
  | AlertType;

export async function recordEvent(
  client: ClusterClient,
  namespace: string,
  reason: EventReason,
  message: string,
  type: "Normal" | "Warning" = reason === "Applied" || reason === "Pruned" ? "Normal" : "Warning",
): Promise<void> {
  const now = new Date().toISOString();
  const event: CoreV1Event = {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `${statusConfigMapName}.${randomBytes(6).toString("hex")}`, namespace },
    involvedObject: { apiVersion: "v1", kind: "ConfigMap", name: statusConfigMapName, namespace },
    reason,
    message: message.slice(0, 1024),
    type,
    source: { component: "kubefox-gitops" },
    firstTimestamp: now as unknown as Date,
    lastTimestamp: now as unknown as Date,
    count: 1,
  };
  await client.createIfMissing(event);
}
