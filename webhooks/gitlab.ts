// GitLab: no signature, but X-Gitlab-Token carries the hook's secret token as
// it was entered, compared here in constant time. X-Gitlab-Event is `Push Hook`
// or `Tag Push Hook` (`System Hook` for instance-wide hooks, where object_kind
// tells, or event_name: a system hook's push may carry only that). A push
// names the project by git_http_url, git_ssh_url and web_url.
import { fieldAt, header, isRecord, push, stringAt, strings, type Provider } from "./provider.js";
import { tokensEqual } from "./signature.js";

const projectUrlFields = [
  "git_http_url",
  "git_ssh_url",
  "http_url",
  "ssh_url",
  "web_url",
  "url",
  "homepage",
] as const;

const pushKinds = new Set(["push", "tag_push"]);

export const gitlab: Provider = {
  name: "gitlab",
  signed: (headers) => header(headers, "x-gitlab-token") !== undefined,
  verify: (secret, _body, headers) => tokensEqual(header(headers, "x-gitlab-token"), secret),
  parse(headers, payload) {
    const event = header(headers, "x-gitlab-event") ?? "";
    const kind = isRecord(payload)
      ? (stringAt(payload, "object_kind") ?? stringAt(payload, "event_name") ?? "")
      : "";
    const isPush =
      event === "Push Hook" ||
      event === "Tag Push Hook" ||
      (event === "System Hook" && pushKinds.has(kind));
    if (!isPush) return { kind: "ignored", event: event || "(none)" };
    const project = fieldAt(payload, "project");
    return push(
      [
        ...strings(project, projectUrlFields),
        ...strings(fieldAt(payload, "repository"), projectUrlFields),
      ],
      {
        ref: stringAt(payload, "ref"),
        commit: stringAt(payload, "checkout_sha") ?? stringAt(payload, "after"),
        repository: stringAt(project, "path_with_namespace"),
      },
    );
  },
};
