// `kubefox-gitops get`'s tables, as `kubectl get` and `flux get` print them:
// upper-case headers, columns padded to their widest cell, three spaces
// between. Pure: rows from records and a clock, text from rows.
import type { DeploymentObject, PlatformRecord, ReleaseRecord, SystemHead } from "./get-records.js";

export type Row = readonly string[];

export interface Table {
  headers: readonly string[];
  rows: readonly Row[];
}

/** Aligned columns; the last is not padded, so no line ends in spaces. */
export function formatTable({ headers, rows }: Table): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join("   ")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("");
}

/**
 * How long ago `time` was, as kubectl shows an AGE: 5s, 3m, 2h, 4d (and 2y
 * past a year); "" when there is no time, "0s" for a time ahead of the clock.
 */
export function age(time: string | undefined, now: number): string {
  if (!time) return "";
  const then = Date.parse(time);
  if (Number.isNaN(then)) return "";
  const s = Math.max(0, Math.floor((now - then) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  if (s < 365 * 86_400) return `${Math.floor(s / 86_400)}d`;
  return `${Math.floor(s / (365 * 86_400))}y`;
}

/** A commit as people read it: its first 7 hex digits. */
export function shortCommit(id: string | undefined): string {
  return id ? id.slice(0, 7) : "";
}

/** One line of a message: tables keep one row per thing. */
function oneLine(text: string | undefined): string {
  return (text ?? "").replace(/\s*\n\s*/g, " ").trim();
}

/** What a deployment's MESSAGE says: its error, else what holds it out of Ready. */
export function deploymentMessage(status: DeploymentObject["status"]): string {
  if (status.lastError) return oneLine(status.lastError);
  const component = status.components.find((c) => c.state !== "Ready" && c.message);
  if (component) return oneLine(`${component.component}: ${component.message}`);
  const object = status.notReady?.[0];
  if (object) return oneLine(`${object.kind} ${object.name}: ${object.message}`);
  const conflict = status.conflicts[0];
  if (conflict) return oneLine(`${conflict.kind} ${conflict.name}: ${conflict.message}`);
  return "";
}

export function platformTable(platforms: readonly PlatformRecord[], now: number): Table {
  return {
    headers: ["PLATFORM", "NAMESPACE", "SYSTEM", "DEPLOYMENTS", "RELEASES", "AGE", "MESSAGE"],
    rows: platforms.map((p) => [
      p.name,
      p.namespace,
      p.system,
      readyOf(p.deployments.map((d) => d.status.state)),
      readyOf(p.releases.map((r) => releaseState(r))),
      age(p.lastSyncTime, now),
      oneLine(p.lastError),
    ]),
  };
}

/** `2/3`: how many are Ready of how many. */
function readyOf(states: readonly string[]): string {
  return `${states.filter((s) => s === "Ready").length}/${states.length}`;
}

export function deploymentTable(platforms: readonly PlatformRecord[], now: number): Table {
  return {
    headers: ["PLATFORM", "REF", "ENVIRONMENT", "STATE", "COMMIT", "AGE", "MESSAGE"],
    rows: platforms.flatMap((p) =>
      p.deployments.map((d) => [
        p.name,
        d.ref,
        d.environment ?? "",
        d.status.state,
        shortCommit(d.status.appliedId || d.status.id),
        age(d.status.lastSyncTime ?? d.status.lastTransitionTime, now),
        deploymentMessage(d.status),
      ]),
    ),
  };
}

/**
 * A release's state. Read from a server it is the controller's; read from the
 * status ConfigMap, which holds no health, it says what the stored state does:
 * `Active` (a version serves), `Progressing` (one is pending), `Failed` (none
 * could be made active) or `Pending`.
 */
export function releaseState(r: ReleaseRecord): string {
  const s = r.status;
  if (!s) return "Pending";
  if ("state" in s) return s.state;
  if (s.pending) return "Progressing";
  if (s.active) return "Active";
  return s.lastError || s.history[0]?.reason === "PendingDeadlineExceeded" ? "Failed" : "Pending";
}

function releaseMessage(r: ReleaseRecord): string {
  const s = r.status;
  if (!s) return "";
  if (s.lastError) return oneLine(s.lastError);
  if (!("state" in s)) return "";
  const component = [...s.components, ...s.pendingComponents].find(
    (c) => c.state !== "Ready" && c.message,
  );
  if (component) return oneLine(`${component.component}: ${component.message}`);
  const object = s.notReady?.[0] ?? s.pendingNotReady?.[0];
  return object ? oneLine(`${object.kind} ${object.name}: ${object.message}`) : "";
}

export function releaseTable(platforms: readonly PlatformRecord[], now: number): Table {
  return {
    headers: ["PLATFORM", "ENVIRONMENT", "REF", "STATE", "ACTIVE", "PENDING", "AGE", "MESSAGE"],
    rows: platforms.flatMap((p) =>
      p.releases.map((r) => [
        p.name,
        r.environment,
        r.ref,
        releaseState(r),
        shortCommit(r.status?.active?.commit),
        shortCommit(r.status?.pending?.commit),
        age(r.status?.active?.activationTime ?? r.status?.active?.requestTime, now),
        releaseMessage(r),
      ]),
    ),
  };
}

/** `get release NAME --history`: the pending and active versions, then the archived ones, newest first. */
export function historyTable(r: ReleaseRecord, now: number): Table {
  const s = r.status;
  const rows: Row[] = [];
  if (s?.pending)
    rows.push([
      s.pending.releaseId,
      shortCommit(s.pending.commit),
      s.pending.ref,
      "Pending",
      age(s.pending.requestTime, now),
      "",
    ]);
  if (s?.active)
    rows.push([
      s.active.releaseId,
      shortCommit(s.active.commit),
      s.active.ref,
      "Active",
      age(s.active.activationTime ?? s.active.requestTime, now),
      "",
    ]);
  for (const h of s?.history ?? [])
    rows.push([
      h.releaseId,
      shortCommit(h.commit),
      h.ref,
      h.reason,
      age(h.activationTime ?? h.requestTime, now),
      age(h.archiveTime, now),
    ]);
  return { headers: ["RELEASE", "COMMIT", "REF", "STATUS", "AGE", "ARCHIVED"], rows };
}

export function repositoryTable(systems: readonly SystemHead[], now: number): Table {
  return {
    headers: ["SYSTEM", "SOURCE", "BRANCH", "COMMIT", "SYNCED", "AGE", "MESSAGE"],
    rows: systems.map((s) => {
      const repo = s.status.repository;
      return [
        s.metadata.name,
        repo.source,
        repo.controlBranch ?? "",
        shortCommit(repo.controlId),
        repo.synced ? "True" : "False",
        age(repo.lastSyncTime, now),
        oneLine(repo.lastError ?? repo.controlProblems[0]),
      ];
    }),
  };
}
