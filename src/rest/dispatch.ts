import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { match, type MatchFunction } from 'path-to-regexp';
import { markRoute } from '../observability/request.middleware';

/** One route of a table: its method, its Express path (relative to where the table is mounted) and its handler. */
export interface TableRoute {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  /** The template metrics and the access log name it by (`/api/interactions/:id`). */
  label: string;
  handle: (req: Request, res: Response) => void | Promise<void>;
}

interface Compiled extends TableRoute {
  matches: MatchFunction<Record<string, string>>;
}

/**
 * A route table as one middleware: what Express's Router does for a table of routes, without its per-request
 * machinery (a layer walk with closures and a second walk inside the route). Matching is Express's own: the
 * router's path-to-regexp with its options (case-insensitive, an optional trailing slash, parameters decoded with
 * decodeURIComponent, a failure a 400 error passed on, whatever the method), HEAD served by a GET route, routes
 * tried in table order, and an OPTIONS request nobody answered gets the `Allow` list Express's router sends. A path
 * no route matches goes to `next()`.
 */
export function routeTable(routes: readonly TableRoute[]): RequestHandler {
  const compiled: Compiled[] = routes.map((route) => ({
    ...route,
    matches: match<Record<string, string>>(route.path.replace(/\/+$/, ''), {
      sensitive: false,
      end: true,
      trailing: true,
      decode: decodeParam,
    }),
  }));
  const byMethod = new Map<string, Compiled[]>();
  for (const route of compiled) {
    const method = route.method.toUpperCase();
    byMethod.set(method, [...(byMethod.get(method) ?? []), route]);
  }
  byMethod.set('HEAD', byMethod.get('GET') ?? []);

  return (req: Request, res: Response, next: NextFunction) => {
    const path = req.path;
    if (req.method === 'OPTIONS') return answerOptions(compiled, path, res, next);
    for (const route of byMethod.get(req.method) ?? []) {
      let found;
      try {
        found = route.matches(path);
      } catch (error) {
        return next(error);
      }
      if (!found) continue;
      req.params = found.params;
      markRoute(req, route.label);
      const done = route.handle(req, res);
      if (done) done.catch(next);
      return;
    }
    // Express's router matches paths before methods: a path another method's route would take, with a malformed
    // escape in a parameter, is its 400 there, not a 404.
    try {
      for (const route of compiled) route.matches(path);
    } catch (error) {
      return next(error);
    }
    next();
  };
}

/** Express's router's automatic answer to OPTIONS: the methods of every route of the path, HEAD with GET. */
function answerOptions(routes: readonly Compiled[], path: string, res: Response, next: NextFunction): void {
  const methods = new Set<string>();
  try {
    for (const route of routes) {
      if (!route.matches(path)) continue;
      methods.add(route.method.toUpperCase());
      if (route.method === 'get') methods.add('HEAD');
    }
  } catch (error) {
    return next(error);
  }
  if (methods.size === 0) return next();
  const allow = [...methods].sort().join(', ');
  res.setHeader('Allow', allow);
  res.setHeader('Content-Length', Buffer.byteLength(allow));
  res.setHeader('Content-Type', 'text/plain');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(allow);
}

/** A path parameter as Express's router decodes it: a malformed escape is a 400 error. */
function decodeParam(value: string): string {
  if (value.length === 0 || !value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch (error) {
    if (error instanceof URIError) {
      error.message = `Failed to decode param '${value}'`;
      Object.assign(error, { status: 400, statusCode: 400 });
    }
    throw error;
  }
}
