// GitHub (and GitHub Enterprise): X-GitHub-Event names the event, X-Hub-Signature-256
// is `sha256=` and the HMAC-SHA256 of the raw body with the hook's secret.
// A push carries the repository's clone_url, ssh_url, git_url and html_url.
import {
  fieldAt,
  header,
  push,
  stringAt,
  strings,
  type Headers,
  type Provider,
} from "./provider.js";
import { verifySha256 } from "./signature.js";

/** Every URL form GitHub and Gitea put in `repository` of a push. */
export const repositoryUrlFields = [
  "clone_url",
  "ssh_url",
  "git_url",
  "html_url",
  "url",
  "svn_url",
  "original_url",
] as const;

export const github: Provider = {
  name: "github",
  signed: (headers: Headers) => header(headers, "x-hub-signature-256") !== undefined,
  verify: (secret, body, headers) =>
    verifySha256(secret, body, header(headers, "x-hub-signature-256")),
  parse(headers, payload) {
    const event = header(headers, "x-github-event") ?? "";
    if (event === "ping") return { kind: "ping" };
    if (event !== "push") return { kind: "ignored", event: event || "(none)" };
    const repository = fieldAt(payload, "repository");
    return push(strings(repository, repositoryUrlFields), {
      ref: stringAt(payload, "ref"),
      commit: stringAt(payload, "after"),
      repository: stringAt(repository, "full_name"),
    });
  },
};
