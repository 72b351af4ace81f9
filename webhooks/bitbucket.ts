// Bitbucket Cloud and Bitbucket Server / Data Center. Both sign the raw body in
// X-Hub-Signature as `sha256=<hex>` (HMAC-SHA256 with the webhook's secret) and
// name the event in X-Event-Key. Cloud's push is `repo:push` and names the
// repository by links.html.href (the clone URL without `.git`), its full_name
// (`team/repo`, its path on bitbucket.org) and, where present, links.clone;
// a deleted branch or tag has `new: null` and its name under `old`. Server's
// is `repo:refs_changed` and lists links.clone (http and ssh). Both list every
// ref a push changed. Server's "Test connection" sends `diagnostics:ping`.
import {
  fieldAt,
  header,
  isRecord,
  push,
  stringAt,
  type Provider,
  type WebhookEvent,
} from "./provider.js";
import { verifySha256 } from "./signature.js";

export const bitbucket: Provider = {
  name: "bitbucket",
  signed: (headers) => header(headers, "x-hub-signature") !== undefined,
  verify: (secret, body, headers) => verifySha256(secret, body, header(headers, "x-hub-signature")),
  parse(headers, payload) {
    const event = header(headers, "x-event-key") ?? "";
    if (event === "diagnostics:ping") return { kind: "ping" };
    if (event === "repo:push") return cloudPush(payload);
    if (event === "repo:refs_changed") return serverPush(payload);
    return { kind: "ignored", event: event || "(none)" };
  },
};

function cloudPush(payload: unknown): WebhookEvent {
  const body = {
    repository: fieldAt(payload, "repository"),
    push: fieldAt(payload, "push") as { changes?: unknown } | undefined,
  };
  const fullName = stringAt(body.repository, "full_name");
  const changes = Array.isArray(body.push?.changes) ? body.push.changes : [];
  // A deletion has `new: null`: the ref is the old one's, and there is no new commit.
  const refs = changes.map((change: unknown) => {
    const side = isRecord(change) ? (change.new ?? change.old) : undefined;
    const name = stringAt(side, "name");
    return name ? `refs/${stringAt(side, "type") === "tag" ? "tags" : "heads"}/${name}` : "";
  });
  const first = isRecord(changes[0]) ? changes[0].new : undefined;
  return push(
    [
      ...repositoryLinks(body.repository),
      // Cloud is bitbucket.org: its full name is its path there.
      ...(fullName ? [`https://bitbucket.org/${fullName}`] : []),
    ],
    {
      refs: refs.filter(Boolean),
      commit: stringAt((first as { target?: unknown } | undefined)?.target, "hash"),
      repository: fullName,
    },
  );
}

/** The web link and every clone link (https and ssh) of a repository. */
function repositoryLinks(repository: unknown): string[] {
  const links = (repository as { links?: Record<string, unknown> } | undefined)?.links;
  const clones = Array.isArray(links?.clone) ? links.clone : [];
  return [stringAt(links?.html, "href"), ...clones.map((c) => stringAt(c, "href"))].filter(
    (u): u is string => !!u,
  );
}

function serverPush(payload: unknown): WebhookEvent {
  const body = { repository: fieldAt(payload, "repository"), changes: fieldAt(payload, "changes") };
  const changes: unknown[] = Array.isArray(body.changes) ? body.changes : [];
  const change = changes[0];
  const project = stringAt((body.repository as { project?: unknown } | undefined)?.project, "key");
  const slug = stringAt(body.repository, "slug");
  return push(repositoryLinks(body.repository), {
    refs: changes
      .map((c) => stringAt((c as { ref?: unknown } | undefined)?.ref, "id"))
      .filter((r): r is string => !!r),
    commit: stringAt(change, "toHash"),
    repository: project && slug ? `${project}/${slug}` : slug,
  });
}
