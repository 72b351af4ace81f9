// GitLab and self-managed GitLab: POST /projects/{url-encoded path}/statuses/{sha}
// (operation postApiV4ProjectsIdStatusesSha). The context is GitLab's `name`;
// failure is `failed`; `ref` is a branch or tag name, given when the ref names one. Pure.
import type { CommitStatus, CommitStatusState } from "../../../schemas/notify/commit-status.js";
import { jsonRequest, type HttpRequest } from "../http-request.js";
import type { StatusTarget } from "../status-target.js";

const states: Record<CommitStatusState, string> = {
  pending: "pending",
  success: "success",
  failure: "failed",
};

export function gitlabStatus(target: StatusTarget, s: CommitStatus, token: string): HttpRequest {
  const project = encodeURIComponent(target.segments.join("/"));
  const ref = refName(s.ref);
  return jsonRequest(
    `${target.apiBase}/projects/${project}/statuses/${s.commit}`,
    {
      state: states[s.state],
      name: s.context,
      description: s.description,
      ...(s.targetUrl ? { target_url: s.targetUrl } : {}),
      ...(ref ? { ref } : {}),
    },
    { "private-token": token },
  );
}

/** `branch/main` → `main`, `tag/v1` → `v1`; a pattern or an id names no ref. */
export function refName(ref: string | undefined): string | undefined {
  const match = /^(branch|tag)\/(.+)$/.exec(ref ?? "");
  return match && !match[2]!.includes("*") ? match[2] : undefined;
}
