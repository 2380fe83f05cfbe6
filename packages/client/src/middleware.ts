import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { LoggedInteraction } from './types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UOW = Symbol.for('interactions.uowId');

/** Anything with the logger's `log()` (an InteractionLogger, or a test double). */
export interface InteractionSink {
  log(interaction: LoggedInteraction): Promise<void>;
}

export interface MiddlewareOptions {
  /**
   * The interaction to record for a handled request, or null to skip it. Default: resourceId = route path
   * (e.g. `/orders/:id`) or URL path, action from the method (GET READ, POST CREATE, PUT/PATCH UPDATE, DELETE
   * DELETE), origin `API`, `resourceType` from the option below, and `{ method, path, status, durationMs }`.
   */
  map?: (
    req: Request,
    res: Response,
    context: { durationMs: number },
  ) => Omit<LoggedInteraction, 'uowId' | 'timestamp'> | null;
  /** Resource type mnemonic of the default mapping (default `HTTP_REQUEST`; it must exist as a lookup). */
  resourceType?: string;
  /** The acting user of a request (default none). */
  userId?: (req: Request) => string | undefined;
  /** Called when the logger refuses an interaction (closed, or full with whenFull 'reject'). */
  onError?: (error: Error) => void;
}

const ACTIONS: Record<string, string> = {
  GET: 'READ',
  HEAD: 'READ',
  POST: 'CREATE',
  PUT: 'UPDATE',
  PATCH: 'UPDATE',
  DELETE: 'DELETE',
};

/** The unit of work of a request: its `x-uowid` when a UUID, else one made for it (set by the middleware). */
export function uowIdOf(req: Request): string {
  const holder = req as unknown as Record<symbol, string | undefined>;
  let uowId = holder[UOW];
  if (!uowId) {
    const given = req.headers['x-uowid'];
    uowId = typeof given === 'string' && UUID.test(given) ? given : randomUUID();
    holder[UOW] = uowId;
  }
  return uowId;
}

/** Headers to put on outgoing calls made while handling `req`, so the next service joins the same trace. */
export function outgoingHeaders(req: Request): Record<string, string> {
  return { 'x-uowid': uowIdOf(req) };
}

/**
 * Express middleware recording one interaction per handled request (when the response finishes) through a
 * buffered logger. The uowId comes from the incoming `x-uowid` (or is generated), is echoed as a response header,
 * and `outgoingHeaders(req)` propagates it, so a chain of requests across services forms one trace.
 */
export function recordInteractions(logger: InteractionSink, options: MiddlewareOptions = {}): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = Date.now();
    const uowId = uowIdOf(req);
    res.setHeader('x-uowid', uowId);
    res.on('finish', () => {
      const durationMs = Date.now() - started;
      let interaction: Omit<LoggedInteraction, 'uowId' | 'timestamp'> | null;
      try {
        interaction = options.map
          ? options.map(req, res, { durationMs })
          : {
              resourceId: (req.route?.path as string | undefined) ? `${req.baseUrl}${req.route.path}` : req.path,
              resourceType: options.resourceType ?? 'HTTP_REQUEST',
              action: ACTIONS[req.method] ?? 'READ',
              origin: 'API',
              userId: options.userId?.(req),
              interaction: {
                method: req.method,
                path: req.originalUrl.split('?')[0],
                status: res.statusCode,
                durationMs,
              },
            };
      } catch (error) {
        options.onError?.(error as Error);
        return;
      }
      if (!interaction) return;
      logger
        .log({ ...interaction, uowId, timestamp: new Date(started) })
        .catch((error: Error) => options.onError?.(error));
    });
    next();
  };
}
