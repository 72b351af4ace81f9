// GitHub and GitHub Enterprise Server: POST /repos/{owner}/{repo}/statuses/{sha}
// (operation repos/create-commit-status). Pure.
import type { CommitStatus } from "../../../schemas/notify/commit-status.js";
import { jsonRequest, type HttpRequest } from "../http-request.js";
import type { StatusTarget } from "../status-target.js";

export function githubStatus(target: StatusTarget, s: CommitStatus, token: string): HttpRequest {
  const [owner, repo] = target.segments.map(encodeURIComponent);
  return jsonRequest(
    `${target.apiBase}/repos/${owner}/${repo}/statuses/${s.commit}`,
    {
      state: s.state,
      context: s.context,
      description: s.description,
      ...(s.targetUrl ? { target_url: s.targetUrl } : {}),
    },
    {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${token}`,
      "x-github-api-version": "2022-11-28",
    },
  );
}
