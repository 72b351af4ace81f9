// Bitbucket Cloud (POST /repositories/{ws}/{slug}/commit/{sha}/statuses/build)
// and Bitbucket Data Center (POST /api/latest/projects/{key}/repos/{slug}/commits/{sha}/builds,
// operation `add`). Both name a status by `key` and call states INPROGRESS,
// SUCCESSFUL, FAILED; both want a link (Data Center requires `url`), so
// without a public URL the repository's page is given. Keys stay within 40
// characters (a hash replaces the tail of a longer context). A token with a
// colon is `user:app-password` (Basic), else a Bearer access token. Pure.
import { createHash } from "node:crypto";
import type { CommitStatus, CommitStatusState } from "../../../schemas/notify/commit-status.js";
import { jsonRequest, type HttpRequest } from "../http-request.js";
import type { StatusTarget } from "../status-target.js";
import { refName } from "./gitlab.js";

const states: Record<CommitStatusState, string> = {
  pending: "INPROGRESS",
  success: "SUCCESSFUL",
  failure: "FAILED",
};

export function bitbucketKey(context: string): string {
  if (context.length <= 40) return context;
  const hash = createHash("sha256").update(context).digest("hex").slice(0, 12);
  return `${context.slice(0, 27)}-${hash}`;
}

export function bitbucketAuthorization(token: string): string {
  return token.includes(":") ? `Basic ${Buffer.from(token).toString("base64")}` : `Bearer ${token}`;
}

export function bitbucketCloudStatus(
  target: StatusTarget,
  s: CommitStatus,
  token: string,
): HttpRequest {
  const [workspace, slug] = target.segments.map(encodeURIComponent);
  const ref = refName(s.ref);
  return jsonRequest(
    `${target.apiBase}/repositories/${workspace}/${slug}/commit/${s.commit}/statuses/build`,
    {
      type: "build",
      key: bitbucketKey(s.context),
      state: states[s.state],
      name: s.context,
      description: s.description,
      url: s.targetUrl ?? target.webUrl,
      ...(ref ? { refname: ref } : {}),
    },
    { accept: "application/json", authorization: bitbucketAuthorization(token) },
  );
}

export function bitbucketServerStatus(
  target: StatusTarget,
  s: CommitStatus,
  token: string,
): HttpRequest {
  const [project, slug] = target.segments.map(encodeURIComponent);
  const ref = /^(branch|tag)\//.test(s.ref ?? "") ? refName(s.ref) : undefined;
  return jsonRequest(
    `${target.apiBase}/api/latest/projects/${project}/repos/${slug}/commits/${s.commit}/builds`,
    {
      key: bitbucketKey(s.context),
      state: states[s.state],
      name: s.context,
      description: s.description,
      url: (s.targetUrl ?? target.webUrl).slice(0, 450),
      ...(ref ? { ref: `refs/${s.ref!.startsWith("tag/") ? "tags" : "heads"}/${ref}` } : {}),
    },
    { accept: "application/json", authorization: bitbucketAuthorization(token) },
  );
}
