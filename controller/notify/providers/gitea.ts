// Gitea and Forgejo: POST /repos/{owner}/{repo}/statuses/{sha} (operation
// repoCreateStatus), with `Authorization: token <token>`. Pure.
import type { CommitStatus } from "../../../schemas/notify/commit-status.js";
import { jsonRequest, type HttpRequest } from "../http-request.js";
import type { StatusTarget } from "../status-target.js";

export function giteaStatus(target: StatusTarget, s: CommitStatus, token: string): HttpRequest {
  const [owner, repo] = target.segments.map(encodeURIComponent);
  return jsonRequest(
    `${target.apiBase}/repos/${owner}/${repo}/statuses/${s.commit}`,
    {
      state: s.state,
      context: s.context,
      description: s.description,
      ...(s.targetUrl ? { target_url: s.targetUrl } : {}),
    },
    { accept: "application/json", authorization: `token ${token}` },
  );
}
