// The commit statuses a platform's status asks for (issue 14), as a pure
// function of that status: per deployment, one on the commit its ref resolved
// to; per release, one on its pending version's commit, its active one's, or
// the version its deadline removed. What was already sent is not this
// function's concern: the delivery queue drops what would repeat or go back.
import type { CommitStatus, CommitStatusState } from "../../schemas/notify/commit-status.js";
import type { DeploymentStatus, PlatformStatus, ReleaseStatus, State } from "../status/status.js";
import { deploymentUrl, releaseUrl } from "./dashboard-url.js";
import { oneLine } from "./one-line.js";

export const contextPrefix = "kubefox-gitops";

/** `kubefox-gitops/dev/branch-main`: names the platform and the deployment. */
export function deploymentContext(platform: string, ref: string): string {
  return `${contextPrefix}/${platform}/${ref.replace("/", "-")}`;
}

/** `kubefox-gitops/dev/release-prod`: names the platform and the environment. */
export function releaseContext(platform: string, environment: string): string {
  return `${contextPrefix}/${platform}/release-${environment}`;
}

const stateOf: Record<State, CommitStatusState> = {
  Pending: "pending",
  Progressing: "pending",
  Ready: "success",
  Degraded: "failure",
  Failed: "failure",
};

export function commitStatuses(
  repo: string,
  status: PlatformStatus,
  publicUrl: string | undefined,
): CommitStatus[] {
  return [
    ...status.deployments.flatMap((d) => deploymentStatuses(repo, status, d, publicUrl)),
    ...status.releases.flatMap((r) => releaseStatuses(repo, status, r, publicUrl)),
  ];
}

function deploymentStatuses(
  repo: string,
  platform: PlatformStatus,
  d: DeploymentStatus,
  publicUrl: string | undefined,
): CommitStatus[] {
  if (!d.id) return []; // the ref never resolved: no commit to put it on
  const url = deploymentUrl(publicUrl, platform.name, platform.system, d.ref);
  return [
    {
      repo,
      commit: d.id,
      context: deploymentContext(platform.name, d.ref),
      state: stateOf[d.state],
      description: oneLine(deploymentDescription(platform.name, d)),
      ref: d.ref,
      ...(url ? { targetUrl: url } : {}),
    },
  ];
}

function deploymentDescription(platform: string, d: DeploymentStatus): string {
  switch (d.state) {
    case "Failed":
      return oneLine(d.lastError ?? `Failed on ${platform}`);
    case "Degraded": {
      const why = d.notReady?.[0]
        ? `${d.notReady[0].kind} ${d.notReady[0].name}: ${d.notReady[0].message}`
        : d.components.find((c) => c.state === "Degraded")?.message;
      return oneLine(`Degraded on ${platform}${why ? `: ${why}` : ""}`);
    }
    case "Ready":
      return `Ready on ${platform}`;
    case "Progressing":
      return `Rolling out on ${platform}`;
    case "Pending":
      return `Pending on ${platform}`;
  }
}

function releaseStatuses(
  repo: string,
  platform: PlatformStatus,
  r: ReleaseStatus,
  publicUrl: string | undefined,
): CommitStatus[] {
  const url = releaseUrl(publicUrl, platform.name, platform.system, r.environment);
  const base = {
    repo,
    context: releaseContext(platform.name, r.environment),
    ref: r.ref,
    ...(url ? { targetUrl: url } : {}),
  };
  const where = `${r.environment} on ${platform.name}`;
  const out: CommitStatus[] = [];
  // The version the deadline removed: its commit failed, whatever serves now.
  const last = r.history[0];
  if (last?.reason === "PendingDeadlineExceeded" && last.commit !== r.active?.commit) {
    out.push({
      ...base,
      commit: last.commit,
      state: "failure",
      description: oneLine(`Not Available within its deadline; ${where} keeps its active version`),
    });
  }
  if (r.pending) {
    out.push({
      ...base,
      commit: r.pending.commit,
      state: "pending",
      description: oneLine(`Pending as ${where}: waiting for its Deployments to be Available`),
    });
  } else if (r.active) {
    const state = stateOf[r.state];
    out.push({
      ...base,
      commit: r.active.commit,
      state,
      description: oneLine(
        state === "success"
          ? `Serving ${where}`
          : state === "pending"
            ? `Rolling out as ${where}`
            : `${r.state} as ${where}${r.lastError ? `: ${r.lastError}` : ""}`,
      ),
    });
  }
  return out;
}
