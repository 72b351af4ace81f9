// A commit status as the request its provider takes. Pure.
import type { CommitStatus } from "../../schemas/notify/commit-status.js";
import type { HttpRequest } from "./http-request.js";
import type { StatusProvider, StatusTarget } from "./status-target.js";
import { bitbucketCloudStatus, bitbucketServerStatus } from "./providers/bitbucket.js";
import { giteaStatus } from "./providers/gitea.js";
import { githubStatus } from "./providers/github.js";
import { gitlabStatus } from "./providers/gitlab.js";

const builders: Record<
  StatusProvider,
  (target: StatusTarget, s: CommitStatus, token: string) => HttpRequest
> = {
  github: githubStatus,
  gitlab: gitlabStatus,
  gitea: giteaStatus,
  "bitbucket-cloud": bitbucketCloudStatus,
  "bitbucket-server": bitbucketServerStatus,
};

export function statusRequest(target: StatusTarget, s: CommitStatus, token: string): HttpRequest {
  return builders[target.provider](target, s, token);
}
