// Any other Git host, or a CI job: POST a small JSON body signed like GitHub's,
// in X-Signature as `sha256=<hex>` (HMAC-SHA256 of the raw body):
//
//   {"repository": "https://git.example.com/org/repo.git", "ref": "refs/heads/main", "commit": "<id>"}
//
// `repository` may also be a list of URLs (`repositories`), and `"event": "ping"`
// tests the hook. Everything but `repository` is optional and only logged.
import { header, isRecord, push, stringAt, type Provider } from "./provider.js";
import { verifySha256 } from "./signature.js";

export const generic: Provider = {
  name: "generic",
  signed: (headers) => header(headers, "x-signature") !== undefined,
  verify: (secret, body, headers) => verifySha256(secret, body, header(headers, "x-signature")),
  parse(_headers, payload) {
    if (!isRecord(payload))
      return { kind: "invalid", message: "the payload must be a JSON object" };
    const event = stringAt(payload, "event") ?? "push";
    if (event === "ping") return { kind: "ping" };
    if (event !== "push") return { kind: "ignored", event };
    const listed = Array.isArray(payload.repositories)
      ? payload.repositories.filter((u): u is string => typeof u === "string")
      : [];
    const one = stringAt(payload, "repository");
    return push([...(one ? [one] : []), ...listed], {
      ref: stringAt(payload, "ref"),
      commit: stringAt(payload, "commit"),
    });
  },
};
