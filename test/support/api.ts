// Talking to the running controller's HTTP server as a client would: find its
// address in the "listening" log line, make real requests, and check every
// answer against the OpenAPI document the server itself serves, so the
// document cannot drift from the code.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { expect } from "vitest";
import { openApiDocument } from "../../webhooks/openapi.js";
import { eventually } from "./kube.js";

/** The server's base URL, from the controller's JSON log line `{"msg":"listening","url":...}`. */
export function serverUrl(logs: () => string, timeoutMs = 30_000): Promise<string> {
  return eventually(
    async () => {
      for (const line of logs().split("\n")) {
        if (!line.startsWith("{")) continue;
        const record = JSON.parse(line) as { msg?: string; url?: string };
        if (record.msg === "listening" && record.url) return record.url;
      }
      return undefined;
    },
    { timeoutMs, what: "the controller's listening log line" },
  );
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when it is not). */
  body: unknown;
}

export async function request(
  url: string,
  init: RequestInit & { token?: string } = {},
): Promise<Reply> {
  const { token, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  const res = await fetch(url, { ...rest, headers });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

// --- OpenAPI validation ------------------------------------------------------

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addFormat("host", true);
ajv.addFormat("date-time", {
  type: "string",
  validate: (s: string) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s),
});
ajv.addSchema(openApiDocument as object, "openapi.json");
const compiled = new Map<string, ValidateFunction>();

/** `<method> <path> <status>` of every answer checked so far, for coverage checks. */
export const checkedAnswers = new Set<string>();

function pointer(...parts: string[]): string {
  return parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
}

/** Every (path, method, status) the document describes. */
export function documentedResponses(): { path: string; method: string; status: string }[] {
  const out: { path: string; method: string; status: string }[] = [];
  for (const [path, item] of Object.entries(openApiDocument.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, unknown>)) {
      const responses = (op as { responses?: Record<string, unknown> }).responses;
      for (const status of Object.keys(responses ?? {})) out.push({ path, method, status });
    }
  }
  return out;
}

/**
 * Asserts that `reply` is what the OpenAPI document says `method path` answers
 * with its status: the status is documented and the body fits its schema.
 */
export function expectDocumented(
  path: string,
  method: string,
  reply: Reply,
  mediaType = "application/json",
): void {
  const item = (openApiDocument.paths as Record<string, Record<string, unknown>>)[path];
  expect(item, `${path} is in the OpenAPI document`).toBeDefined();
  const op = item![method] as { responses: Record<string, { content?: Record<string, unknown> }> };
  expect(op, `${method} ${path} is in the OpenAPI document`).toBeDefined();
  const response = op.responses[String(reply.status)];
  expect(
    response,
    `${method} ${path} documents status ${reply.status} (${reply.text.slice(0, 300)})`,
  ).toBeDefined();
  checkedAnswers.add(`${method} ${path} ${reply.status}`);
  if (mediaType !== "application/json") return;
  const key = `${path} ${method} ${reply.status}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile({
      $ref: `openapi.json#/${pointer("paths", path, method, "responses", String(reply.status), "content", "application/json", "schema")}`,
    });
    compiled.set(key, validate);
  }
  const ok = validate(reply.body);
  expect(
    ok,
    `${method} ${path} ${reply.status}: ${ajv.errorsText(validate.errors)}\n${reply.text.slice(0, 2000)}`,
  ).toBe(true);
}

/** Validates one server-sent event's data against a component schema (SyncEvent, PodEvent ...). */
export function expectEventDocumented(schema: string, data: unknown): void {
  const key = `event ${schema}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile({ $ref: `openapi.json#/components/schemas/${schema}` });
    compiled.set(key, validate);
  }
  expect(
    validate(data),
    `${schema}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(data)}`,
  ).toBe(true);
}

// --- server-sent events ------------------------------------------------------

export interface EventStream {
  /** Events received so far, parsed. */
  events: { event: string; data: unknown }[];
  /** Waits for an event that satisfies `match`. */
  next(
    match: (e: { event: string; data: unknown }) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<{ event: string; data: unknown }>;
  close(): void;
}

/** Opens the events stream and resolves once the server says it is connected. */
export async function openEvents(url: string, token?: string): Promise<EventStream> {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const events: { event: string; data: unknown }[] = [];
  let buffer = "";
  let connected = false;
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes(": connected")) connected = true;
          let event = "message";
          const data: string[] = [];
          for (const line of block.split("\n")) {
            if (line.startsWith("event: ")) event = line.slice(7);
            else if (line.startsWith("data: ")) data.push(line.slice(6));
          }
          if (data.length > 0) events.push({ event, data: JSON.parse(data.join("\n")) });
        }
      }
    } catch {
      // aborted
    }
  })();
  await eventually(async () => (connected ? true : undefined), {
    what: "the events stream's hello",
  });
  return {
    events,
    next: (match, what, timeoutMs = 30_000) =>
      eventually(async () => events.find(match), { timeoutMs, what, intervalMs: 50 }),
    close: () => controller.abort(),
  };
}
