// A stand-in for a Git host's status API or a chat webhook: an HTTP server on
// 127.0.0.1 that records every request, checks it with the given validator
// (the provider's own API description, see test/support/api-spec.ts), and
// answers as the test scripts it: a status, or no answer at all.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { SeenRequest } from "../support/api-spec.js";

export interface Recorded extends SeenRequest {
  /** Its answer: a status, or "hang". */
  answer: number | "hang";
  /** The body as JSON. */
  json: unknown;
}

export type Answer = { status: number; headers?: Record<string, string>; body?: string } | "hang";

export interface StandIn {
  url: string;
  requests: Recorded[];
  /** What the validator found wrong, `<method> <path>: <problem>` each. */
  problems: string[];
  /** How to answer the next request; default 201 (a status created). */
  answer: (request: SeenRequest, index: number) => Answer;
  close(): Promise<void>;
}

export async function startStandIn(
  validate: (request: SeenRequest) => string[],
  answer: StandIn["answer"] = () => ({ status: 201 }),
): Promise<StandIn> {
  const sockets = new Set<Socket>();
  const standIn: StandIn = {
    url: "",
    requests: [],
    problems: [],
    answer,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const seen: SeenRequest = {
        method: req.method ?? "",
        url: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      for (const p of validate(seen)) standIn.problems.push(`${seen.method} ${seen.url}: ${p}`);
      const reply = standIn.answer(seen, standIn.requests.length);
      let json: unknown;
      try {
        json = JSON.parse(seen.body);
      } catch {
        json = undefined;
      }
      standIn.requests.push({ ...seen, answer: reply === "hang" ? "hang" : reply.status, json });
      if (reply === "hang") return; // never answered: the client's timeout must act
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      res.end(reply.body ?? "{}");
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standIn;
}
