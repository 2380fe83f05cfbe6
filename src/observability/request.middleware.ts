import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

declare module 'express-serve-static-core' {
  interface Request {
    /** Correlation id of this request: the caller's `x-request-id` when well-formed, else a new UUID. */
    id?: string;
  }
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** The route template of requests a route table (src/rest/dispatch.ts) matched, which Express's `req.route` is not. */
const ROUTE_LABEL = Symbol('route template');

/** Names the route a request matched (`/api/interactions/:id`), for its metrics and access-log line. */
export function markRoute(req: Request, template: string): void {
  (req as Request & { [ROUTE_LABEL]?: string })[ROUTE_LABEL] = template;
}

/** The route template a request matched (`/api/interactions/:id`), so metrics do not explode with ids. */
function routeLabel(req: Request): string {
  const marked = (req as Request & { [ROUTE_LABEL]?: string })[ROUTE_LABEL];
  if (marked !== undefined) return marked;
  // Routes declared with a regular expression (the console's client routes) get one label, not their pattern.
  if (typeof req.route?.path === 'string') return `${req.baseUrl ?? ''}${req.route.path}`;
  if (req.route) return 'console';
  if (req.originalUrl.startsWith('/graphql')) return '/graphql';
  return 'unmatched';
}

/** Gives every request an id (echoed as `x-request-id`), then logs and measures it when the response is sent. */
export function requestObserver(logger: Logger, metrics: Metrics) {
  // The counter and histogram of each (method, route, status), found once: prom-client hashes the labels per call.
  const series = new Map<string, { count: () => void; observe: (seconds: number) => void }>();
  const seriesOf = (labels: { method: string; route: string; status: string }) => {
    const key = `${labels.method} ${labels.status} ${labels.route}`;
    let found = series.get(key);
    if (!found) {
      const counter = metrics.httpRequests.labels(labels);
      const histogram = metrics.httpDuration.labels(labels);
      found = { count: () => counter.inc(), observe: (seconds) => histogram.observe(seconds) };
      // Routes are templates and statuses few: bounded, but a cap keeps it so whatever arrives.
      if (series.size < 10_000) series.set(key, found);
    }
    return found;
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const given = req.headers['x-request-id'];
    req.id = typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', req.id);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const labels = { method: req.method, route: routeLabel(req), status: String(res.statusCode) };
      const measured = seriesOf(labels);
      measured.count();
      measured.observe(seconds);
      logger.info(
        {
          reqId: req.id,
          method: req.method,
          route: labels.route,
          status: res.statusCode,
          durationMs: Math.round(seconds * 1e4) / 10,
          keyId: req.principal?.keyId,
        },
        'request',
      );
    });
    next();
  };
}
