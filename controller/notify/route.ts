// Which Notification files an alert goes to (issue 14). Pure. A source error
// has no platform or environment: it goes to every Notification whose events
// and severity take it.
import type { NotificationDoc } from "../../schemas/notification.js";
import type { AlertEventData, Severity } from "../../schemas/status/alert-event.js";

const rank: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function routeAlert(
  alert: AlertEventData,
  notifications: Readonly<Record<string, NotificationDoc>>,
): [name: string, doc: NotificationDoc][] {
  return Object.entries(notifications).filter(([, doc]) => {
    const { events, platforms, environments, severity } = doc.spec;
    if (events.length > 0 && !events.includes(alert.type)) return false;
    if (rank[alert.severity] < rank[severity]) return false;
    if (alert.type === "SourceError") return true;
    if (platforms.length > 0 && !platforms.includes(alert.platform ?? "")) return false;
    if (environments.length > 0 && !environments.includes(alert.environment ?? "")) return false;
    return true;
  });
}
