import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';

/** Where `npm run build:web` writes the console (web/dist). */
export const DEFAULT_CONSOLE_DIR = path.resolve(__dirname, '../../web/dist');

/** Paths the console must never shadow: the APIs and the probes answer there, whatever the Accept header. */
const SERVER_PATHS = /^\/(api|graphql|healthz|readyz|metrics)(\/|$)/;

export interface ConsoleOptions {
  /** The built console (index.html, graphiql.html, assets/). */
  dir?: string;
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Interactions console</title>
<p>The web console is not built. Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it when needed).</p>`;

/** True for a browser asking for a page (not fetch/XHR/curl asking for JSON). */
function wantsHtml(req: Request): boolean {
  return req.accepts(['json', 'html']) === 'html' && req.headers.accept !== undefined;
}

function sendPage(res: Response, file: string) {
  // Pages are small and name hashed assets: never cache them, so a new build shows at once.
  res.setHeader('cache-control', 'no-cache');
  if (!fs.existsSync(file)) {
    res.status(503).type('html').send(NOT_BUILT);
    return;
  }
  res.sendFile(file);
}

/**
 * GET /graphql from a browser: the bundled GraphiQL page (offline, no CDN). Mounted before Apollo; anything
 * else (POST, GET with ?query=, JSON clients) goes on to Apollo.
 */
export function graphiqlPage({ dir = DEFAULT_CONSOLE_DIR }: ConsoleOptions = {}) {
  const file = path.join(dir, 'graphiql.html');
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || req.query.query !== undefined || !wantsHtml(req)) return next();
    sendPage(res, file);
  };
}

/**
 * The single-page console: hashed static assets, and index.html for any other GET a browser makes for a page
 * (client routes such as /trace/:uowId), except under the API and probe paths. Mount last.
 */
export function serveConsole({ dir = DEFAULT_CONSOLE_DIR }: ConsoleOptions = {}) {
  const router = express.Router();
  router.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '1y', index: false }));
  router.get(/.*/, (req, res, next) => {
    if (SERVER_PATHS.test(req.path) || path.extname(req.path) !== '' || !wantsHtml(req)) return next();
    sendPage(res, path.join(dir, 'index.html'));
  });
  return router;
}
