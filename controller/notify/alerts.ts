// Alerts from status (issue 14), as pure functions: what was last alerted per
// subject (kept with what was sent, so a restart repeats nothing) and the
// platform's status now give the alerts to raise and what to remember.
// Subjects: `deployment <ref>`, `release <env> pending|active|archived`.
import type { AlertEventData, AlertType, Severity } from "../../schemas/status/alert-event.js";
import type { PlatformStatus } from "../status/status.js";
import { deploymentUrl, releaseUrl } from "./dashboard-url.js";
import { oneLine } from "./one-line.js";

export type AlertMemory = Readonly<Record<string, string>>;

export const severityOf: Record<AlertType, Severity> = {
  DeploymentReady: "info",
  DeploymentFailed: "error",
  DeploymentDegraded: "warning",
  ReleasePending: "info",
  ReleaseCutOver: "info",
  ReleaseDeadlineExceeded: "error",
  ReleaseRolledBack: "warning",
  SourceError: "error",
};

export interface AlertsResult {
  alerts: AlertEventData[];
  memory: Record<string, string>;
}

export function platformAlerts(
  memory: AlertMemory,
  repo: string,
  status: PlatformStatus,
  options: { publicUrl?: string | undefined; time: string },
): AlertsResult {
  const next: Record<string, string> = { ...memory };
  const alerts: AlertEventData[] = [];
  const raise = (
    subject: string,
    value: string,
    alert: Omit<AlertEventData, "time" | "severity" | "repo" | "platform" | "system">,
  ) => {
    if (next[subject] === value) return;
    next[subject] = value;
    alerts.push({
      time: options.time,
      severity: severityOf[alert.type],
      repo,
      platform: status.name,
      system: status.system,
      ...alert,
    });
  };
  const short = (commit: string) => commit.slice(0, 12);

  for (const d of status.deployments) {
    const type = deploymentAlert[d.state];
    if (!type) continue; // Pending and Progressing are on the way: nothing to say yet
    const url = deploymentUrl(options.publicUrl, status.name, status.system, d.ref);
    const at = d.id ? ` at ${short(d.id)}` : "";
    raise(`deployment ${d.ref}`, `${type} ${d.id}`, {
      type,
      ref: d.ref,
      ...(d.environment ? { environment: d.environment } : {}),
      ...(d.id ? { commit: d.id } : {}),
      message: oneLine(
        `${d.ref} on ${status.name} is ${d.state}${at}${d.state === "Ready" ? "" : `: ${d.lastError ?? d.notReady?.[0]?.message ?? d.components.find((c) => c.message)?.message ?? d.state}`}`,
        500,
      ),
      ...(url ? { url } : {}),
    });
  }

  for (const r of status.releases) {
    const url = releaseUrl(options.publicUrl, status.name, status.system, r.environment);
    const common = { ref: r.ref, environment: r.environment, ...(url ? { url } : {}) };
    const where = `${r.environment} on ${status.name}`;
    if (r.pending)
      raise(`release ${r.environment} pending`, r.pending.releaseId, {
        type: "ReleasePending",
        ...common,
        commit: r.pending.commit,
        message: `${r.ref} at ${short(r.pending.commit)} is pending as ${where}`,
      });
    if (r.active?.activationTime)
      raise(`release ${r.environment} active`, r.active.releaseId, {
        type: "ReleaseCutOver",
        ...common,
        commit: r.active.commit,
        message: `${where} now serves ${r.ref} at ${short(r.active.commit)}`,
      });
    const last = r.history[0];
    const archived = last ? archiveAlert[last.reason] : undefined;
    if (last && archived)
      raise(`release ${r.environment} archived`, `${last.releaseId} ${last.reason}`, {
        type: archived,
        ...common,
        commit: last.commit,
        message:
          archived === "ReleaseDeadlineExceeded"
            ? `${r.ref} at ${short(last.commit)} was not Available in time as ${where}; it was removed and the active version keeps serving`
            : `${where} rolled back: ${r.ref} moved back from ${short(last.commit)}`,
      });
  }
  return { alerts, memory: next };
}

const deploymentAlert: Partial<Record<PlatformStatus["deployments"][number]["state"], AlertType>> =
  {
    Ready: "DeploymentReady",
    Failed: "DeploymentFailed",
    Degraded: "DeploymentDegraded",
  };

const archiveAlert: Partial<Record<string, AlertType>> = {
  PendingDeadlineExceeded: "ReleaseDeadlineExceeded",
  RolledBack: "ReleaseRolledBack",
};

/**
 * A source error is alerted once per distinct error, and again only after a
 * good sync: `last` is the error last alerted (undefined after a good sync).
 */
export function sourceAlert(
  last: string | undefined,
  repo: string,
  error: string | undefined,
  time: string,
): { alert?: AlertEventData; last: string | undefined } {
  if (error === undefined || error === last) return { last: error };
  return {
    alert: {
      time,
      type: "SourceError",
      severity: severityOf.SourceError,
      repo,
      message: oneLine(`${repo}: ${error}`, 500),
    },
    last: error,
  };
}
