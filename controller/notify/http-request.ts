// A request to deliver, as data: what the providers' builders return and the
// executor sends. Pure builders make it; only deliver.ts sends it.

export interface HttpRequest {
  method: "POST";
  url: string;
  headers: Record<string, string>;
  /** The exact bytes sent (a generic receiver's signature is over them). */
  body: string;
}

export const userAgent = "kubefox-gitops";

export function jsonRequest(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): HttpRequest {
  return {
    method: "POST",
    url,
    headers: { "content-type": "application/json", "user-agent": userAgent, ...headers },
    body: JSON.stringify(body),
  };
}
