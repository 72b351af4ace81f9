// Bitbucket Cloud and Bitbucket Server / Data Center. Both sign the raw body in
// X-Hub-Signature as `sha256=<hex>` (HMAC-SHA256 with the webhook's secret) and
// name the event in X-Event-Key. Cloud's push is `repo:push` and names the
// repository by links.html.href (the clone URL without `.git`); Server's is
// `repo:refs_changed` and lists links.clone (http and ssh). Server's "Test
// connection" sends `diagnostics:ping`.
import { header, isRecord, push, stringAt, type Provider, type WebhookEvent } from "./provider.js";
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
  const body = payload as { repository?: unknown; push?: { changes?: unknown } };
  const links = (body.repository as { links?: Record<string, unknown> } | undefined)?.links;
  const html = stringAt(links?.html, "href");
  const change = Array.isArray(body.push?.changes) ? body.push.changes[0] : undefined;
  const next = isRecord(change) ? change.new : undefined;
  const type = stringAt(next, "type");
  const name = stringAt(next, "name");
  return push(html ? [html] : [], {
    ref: name ? `refs/${type === "tag" ? "tags" : "heads"}/${name}` : undefined,
    commit: stringAt((next as { target?: unknown } | undefined)?.target, "hash"),
    repository: stringAt(body.repository, "full_name"),
  });
}

function serverPush(payload: unknown): WebhookEvent {
  const body = payload as { repository?: unknown; changes?: unknown };
  const links = (body.repository as { links?: Record<string, unknown> } | undefined)?.links;
  const clones = Array.isArray(links?.clone) ? links.clone : [];
  const urls = clones.map((c) => stringAt(c, "href")).filter((u): u is string => !!u);
  const change = Array.isArray(body.changes) ? body.changes[0] : undefined;
  const project = stringAt((body.repository as { project?: unknown } | undefined)?.project, "key");
  const slug = stringAt(body.repository, "slug");
  return push(urls, {
    ref: stringAt((change as { ref?: unknown } | undefined)?.ref, "id"),
    commit: stringAt(change, "toHash"),
    repository: project && slug ? `${project}/${slug}` : slug,
  });
}
