// What every webhook provider module offers: a signature check over the raw
// body and a parser from its payload to the one thing we act on, a push to a
// repository (DESIGN §5). Both are plain functions, independent of Express.

/** Request headers with lower-case names, as Node gives them. */
export type Headers = Readonly<Record<string, string | string[] | undefined>>;

export type WebhookEvent =
  /**
   * Refs changed in a repository known by these clone or web URLs: `ref` the
   * first (and its new `commit`), `refs` every one when the push changed more.
   */
  | {
      kind: "push";
      cloneUrls: string[];
      ref?: string;
      refs?: string[];
      commit?: string;
      repository?: string;
    }
  /** The provider checking that the hook works. */
  | { kind: "ping" }
  /** Any other event (issues, pull requests ...): answered, never acted on. */
  | { kind: "ignored"; event: string }
  /** A push we cannot act on: its payload lacks what every push of this provider has. */
  | { kind: "invalid"; message: string };

export interface Provider {
  /** The last part of its path: /webhooks/<name>. */
  readonly name: string;
  /** Whether the request carries a signature or token at all (checked before the body is read). */
  signed(headers: Headers): boolean;
  /** Whether the raw body was signed with `secret`, compared in constant time. */
  verify(secret: string, body: Buffer, headers: Headers): boolean;
  /** What the (verified, parsed) payload asks of us. */
  parse(headers: Headers, payload: unknown): WebhookEvent;
}

export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A field of a JSON object; undefined when `obj` is not one (null, a list, a string ...). */
export function fieldAt(obj: unknown, key: string): unknown {
  return isRecord(obj) ? obj[key] : undefined;
}

/** The string fields `keys` of `obj` that are present, in that order. */
export function strings(obj: unknown, keys: readonly string[]): string[] {
  if (!isRecord(obj)) return [];
  return keys.map((k) => obj[k]).filter((v): v is string => typeof v === "string" && v !== "");
}

export function stringAt(obj: unknown, key: string): string | undefined {
  return strings(obj, [key])[0];
}

/** A push event, or `invalid` when the payload names no repository URL. */
export function push(
  cloneUrls: string[],
  fields: { ref?: string; refs?: string[]; commit?: string; repository?: string },
): WebhookEvent {
  const urls = [...new Set(cloneUrls)];
  if (urls.length === 0)
    return { kind: "invalid", message: "the push payload names no repository URL" };
  const refs = [...new Set(fields.refs ?? [])];
  const ref = fields.ref ?? refs[0];
  return {
    kind: "push",
    cloneUrls: urls,
    ...(ref ? { ref } : {}),
    ...(refs.length > 1 ? { refs } : {}),
    ...(fields.commit ? { commit: fields.commit } : {}),
    ...(fields.repository ? { repository: fields.repository } : {}),
  };
}
