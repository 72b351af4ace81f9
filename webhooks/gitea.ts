// Gitea, Forgejo and Gogs: X-Gitea-Event (X-Forgejo-Event, X-Gogs-Event) names
// the event. The body is signed like GitHub's in X-Hub-Signature-256, and as a
// bare hex digest in X-Gitea-Signature (X-Forgejo-Signature, X-Gogs-Signature);
// older servers send only the latter, so either is accepted. The push payload
// has GitHub's shape.
import { repositoryUrlFields } from "./github.js";
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

const bareSignatures = ["x-gitea-signature", "x-forgejo-signature", "x-gogs-signature"];
const eventHeaders = ["x-gitea-event", "x-forgejo-event", "x-gogs-event", "x-github-event"];

function first(headers: Headers, names: string[]): string | undefined {
  for (const name of names) {
    const value = header(headers, name);
    if (value !== undefined) return value;
  }
  return undefined;
}

export const gitea: Provider = {
  name: "gitea",
  signed: (headers) => first(headers, ["x-hub-signature-256", ...bareSignatures]) !== undefined,
  verify(secret, body, headers) {
    const prefixed = header(headers, "x-hub-signature-256");
    if (prefixed !== undefined) return verifySha256(secret, body, prefixed);
    return verifySha256(secret, body, first(headers, bareSignatures), "");
  },
  parse(headers, payload) {
    const event = first(headers, eventHeaders) ?? "";
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
