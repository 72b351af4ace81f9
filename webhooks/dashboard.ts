// The dashboard's files (issue 13): index.html at `/` and the content-hashed
// assets under /assets/, from the folder the dashboard build wrote
// (dashboard/build.ts). They hold no data, so they need no token: the page
// asks for it and sends it with every API request. Every answer carries a
// strict Content Security Policy: scripts, styles and requests only from this
// server, no inline script, no eval, not framed.
import { existsSync } from "node:fs";
import path from "node:path";
import express, { type Response, type Router } from "express";

export const dashboardCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

function secure(res: Response): void {
  res.set({
    "Content-Security-Policy": dashboardCsp,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
  });
}

/** Routes for `/`, `/index.html` and `/assets/*`; the page routes with the URL's #fragment. */
export function dashboardRoutes(dir: string | undefined): Router {
  const router = express.Router();
  const index = dir === undefined ? undefined : path.join(dir, "index.html");
  const built = dir !== undefined && index !== undefined && existsSync(index);
  router.get(["/", "/index.html"], (_req, res) => {
    secure(res);
    if (!built || index === undefined) {
      res
        .status(503)
        .type("text/plain")
        .send(
          "the dashboard is not built: `npm run build:dashboard` (npm ci and npm start build it)\n",
        );
      return;
    }
    res.set("Cache-Control", "no-cache").sendFile(index);
  });
  if (built && dir !== undefined)
    router.use(
      "/assets",
      (_req, res, next) => {
        secure(res);
        next();
      },
      express.static(path.join(dir, "assets"), {
        index: false,
        dotfiles: "ignore",
        // Names carry a hash of their content: they never change.
        immutable: true,
        maxAge: "365d",
      }),
      (req, res) => {
        res.status(404).type("text/plain").send(`no asset ${req.path}\n`);
      },
    );
  return router;
}
