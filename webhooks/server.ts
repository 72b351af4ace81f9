// The HTTP server: every route bound here, in one function; the work is done
// by plain functions (receive.ts for webhooks, api/routes.ts for the status
// API). The controller starts it with what it needs (issue 6) and nothing here
// reaches into the controller.
import type { AddressInfo } from "node:net";
import type { Server, ServerResponse } from "node:http";
import express, { type NextFunction, type Request, type Response } from "express";
import { bearerAllowed, isOpenPath } from "./api/auth.js";
import { ApiError, failed, readOnlyMessage, type Answer } from "./api/envelope.js";
import { apiRoutes } from "./api/routes.js";
import { EventHub } from "./api/event-hub.js";
import { sseComment, sseFrame } from "./api/sse.js";
import { apiBase, type StatusView } from "./api/types.js";
import { dashboardRoutes } from "./dashboard.js";
import { openApiDocument } from "./openapi.js";
import { providers } from "./providers.js";
import type { Provider } from "./provider.js";
import {
  checkSigned,
  receiveWebhook,
  tooLarge,
  type Fields,
  type WebhookAnswer,
  type WebhookResult,
  type WebhookTarget,
} from "./receive.js";

/** Webhook bodies above this are refused with 413 (DESIGN §5). */
export const webhookBodyLimit = 1024 * 1024;

export interface ServerLog {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
}

export interface ServerMetrics {
  readonly contentType: string;
  render(): Promise<string>;
  webhook(provider: string, result: WebhookResult): void;
}

export interface ServerDeps {
  webhooks: WebhookTarget;
  view: StatusView;
  /** True once every repository's first sync finished. */
  ready(): boolean;
  metrics: ServerMetrics;
  /** Bearer token for everything but /healthz, /readyz and the (signed) webhooks; undefined: open. */
  apiToken: string | undefined;
  log: ServerLog;
  /** How often an idle events stream gets a keep-alive comment (default 15 s). */
  heartbeatMs?: number;
  /** The built dashboard's folder (index.html, assets/); undefined or unbuilt: `/` says so. */
  dashboardDir?: string;
  /** How long the events stream's replay log outlives its last client (default 60 s). */
  replayGraceMs?: number;
}

export interface RunningServer {
  /** `http://host:port` with the port actually bound. */
  url: string;
  port: number;
  /** Stops taking connections, ends event streams, and waits for requests in flight. */
  close(): Promise<void>;
}

const writeVerbs = ["post", "put", "patch", "delete"] as const;

export function createServer(deps: ServerDeps) {
  const { log, view, metrics } = deps;
  const streams = new Set<ServerResponse>();
  const hub = new EventHub(view, deps.replayGraceMs ?? 60_000);
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");

  // Probes: always open, so a kubelet needs no token.
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", (_req, res) => {
    if (deps.ready()) res.json({ ready: true });
    else
      res.status(503).json({ ready: false, message: "waiting for every repository's first sync" });
  });

  // The dashboard's page and assets: open, since they hold no data (dashboard.ts).
  app.use(dashboardRoutes(deps.dashboardDir));

  // The optional bearer token, for everything else but the signed webhooks.
  app.use((req, res, next) => {
    if (isOpenPath(req.path) || bearerAllowed(req.get("authorization"), deps.apiToken)) {
      next();
      return;
    }
    res.set("WWW-Authenticate", 'Bearer realm="kubefox-gitops"');
    send(res, failed(401, "a valid bearer token is required (Authorization: Bearer <token>)"));
  });

  app.get("/metrics", async (_req, res) => {
    res.set("Content-Type", metrics.contentType).send(await metrics.render());
  });

  // Webhooks: refuse unsigned requests before reading a byte, then read the raw
  // body (at most 1 MiB), then verify and act (receive.ts).
  const webhookPath = "/webhooks/:provider";
  app.post(
    webhookPath,
    (req, res, next) => {
      const provider = providers.get(String(req.params.provider));
      if (!provider) {
        res.status(404).json({
          message: `unknown webhook provider ${req.params.provider}; use ${[...providers.keys()].join(", ")}`,
        });
        return;
      }
      res.locals.provider = provider;
      const refused = checkSigned(provider, req.headers, deps.webhooks.secret);
      if (refused) answerWebhook(res, provider, refused);
      else next();
    },
    express.raw({ type: () => true, limit: webhookBodyLimit }),
    (req, res) => {
      const provider = res.locals.provider as Provider;
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      answerWebhook(
        res,
        provider,
        receiveWebhook(provider, { headers: req.headers, body }, deps.webhooks),
      );
    },
  );
  app.all(webhookPath, (_req, res) => {
    res.set("Allow", "POST").status(405).json({ message: "webhooks are POSTed" });
  });

  // The status API: GET only; every write verb is 405, since Git is the only write path.
  app.get(`${apiBase}/openapi.json`, (_req, res) => {
    res.json(openApiDocument);
  });
  app.get(`${apiBase}/events`, (req, res) => {
    // Each event has an id; a client that comes back with Last-Event-ID gets
    // what it missed, or `X-Kubefox-Replay: reset` when that id is unknown
    // (too old, or from before a restart): it must re-read (issue 13).
    const lastEventId = req.get("last-event-id");
    const client = hub.attach((e) => res.write(sseFrame(e.event, e.id)), lastEventId);
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
      ...(lastEventId === undefined
        ? {}
        : { "X-Kubefox-Replay": client.replay ? String(client.replay.length) : "reset" }),
    });
    res.write(`retry: 2000\nid: ${client.lastId}\n${sseComment("connected")}`);
    for (const e of client.replay ?? []) res.write(sseFrame(e.event, e.id));
    streams.add(res);
    const beat = setInterval(() => res.write(sseComment("keep-alive")), deps.heartbeatMs ?? 15_000);
    req.on("close", () => {
      clearInterval(beat);
      client.detach();
      streams.delete(res);
    });
  });
  for (const route of apiRoutes) {
    app.get(apiBase + route.path, async (req, res) => {
      send(res, await answerApi(route.answer, req));
    });
  }
  for (const path of [
    ...apiRoutes.map((r) => apiBase + r.path),
    `${apiBase}/openapi.json`,
    `${apiBase}/events`,
  ]) {
    for (const verb of writeVerbs) {
      app[verb](path, (_req, res) => {
        res.set("Allow", "GET, HEAD");
        send(res, failed(405, readOnlyMessage));
      });
    }
  }
  app.use(apiBase, (req, res) => {
    send(res, failed(404, `${req.method} ${apiBase}${req.path}: no such endpoint`));
  });
  app.use((req, res) => {
    res.status(404).json({ message: `${req.method} ${req.path}: not found` });
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const provider = res.locals.provider as Provider | undefined;
    const type = (err as { type?: string }).type;
    if (provider && type === "entity.too.large") {
      answerWebhook(res, provider, tooLarge(provider, req.headers, webhookBodyLimit));
      return;
    }
    if (provider && (type === "request.aborted" || type === "encoding.unsupported")) {
      answerWebhook(res, provider, {
        status: 400,
        body: { message: `the body could not be read: ${type}` },
        result: "bad_request",
        fields: { provider: provider.name },
      });
      return;
    }
    log.error("request failed", { method: req.method, path: req.path, error: String(err) });
    if (!res.headersSent) res.status(500).json({ message: "internal error" });
  });

  async function answerApi(
    answer: (v: StatusView, p: Record<string, string>) => Promise<Answer>,
    req: Request,
  ): Promise<Answer> {
    try {
      return await answer(view, flatParams(req.params));
    } catch (err) {
      if (err instanceof ApiError) return failed(err.code, err.message, err.validationErrors);
      log.error("status API request failed", { path: req.path, error: String(err) });
      return failed(500, `internal error answering ${req.path}`);
    }
  }

  function answerWebhook(res: Response, provider: Provider, answer: WebhookAnswer): void {
    metrics.webhook(provider.name, answer.result);
    const level = answer.status >= 400 ? "warn" : "info";
    log[level](`webhook ${answer.result}`, { ...answer.fields, status: answer.status });
    res.status(answer.status).json(answer.body);
  }

  async function listen(host: string, port: number): Promise<RunningServer> {
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
    });
    const bound = (server.address() as AddressInfo).port;
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${bound}`;
    log.info("listening", { url });
    return {
      url,
      port: bound,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          hub.stop();
          for (const stream of streams) stream.end();
          server.closeIdleConnections();
          // Ended streams and keep-alive sockets turn idle a moment later; a
          // request still running after two seconds does not hold up the stop.
          setTimeout(() => server.closeIdleConnections(), 100).unref();
          setTimeout(() => server.closeAllConnections(), 2000).unref();
        }),
    };
  }

  return { app, listen };
}

function send(res: Response, answer: Answer): void {
  res.status(answer.status).json(answer.body);
}

/** Express 5 gives a `*splat` as its segments; a branch like feature/x is one value. */
function flatParams(params: Record<string, string | string[]>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]),
  );
}
