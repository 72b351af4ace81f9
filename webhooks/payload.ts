// A webhook body, once its signature is checked: JSON, or GitHub's and Gitea's
// form encoding (`payload=<JSON>`) when the hook was set up that way.

export type ParsedPayload = { ok: true; value: unknown } | { ok: false; message: string };

export function parsePayload(body: Buffer, contentType: string | undefined): ParsedPayload {
  let text = body.toString("utf8");
  if (/^application\/x-www-form-urlencoded\b/i.test(contentType ?? "")) {
    const payload = new URLSearchParams(text).get("payload");
    if (payload === null) return { ok: false, message: "the form has no payload field" };
    text = payload;
  }
  if (text.trim() === "") return { ok: false, message: "the body is empty; expected JSON" };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, message: `the body is not valid JSON: ${(err as Error).message}` };
  }
}
