import express, { type Request, type Response } from 'express';
import { AppError } from '../errors/app-error';
import { tooDeepAt } from '../input/json-depth';

/**
 * Reading a JSON request body, once the caller is known to be allowed to send it (the key and its scope are
 * checked first: a caller without them learns that, not what is wrong with its body, and no body is read for it).
 * Shared by the REST routes and POST /graphql.
 */

export interface ReadJsonBodyOptions {
  /** Largest body, in bytes (after decompression); larger → 413. */
  limit: number;
  /**
   * Deepest nesting of objects and arrays accepted in the whole body, checked without recursion before anything
   * recursive (hashing, coercion, serialisation) touches it; deeper → 400.
   */
  maxDepth: number;
  /** The bytes of request bodies this process holds at once; this body waits for none and is refused when full. */
  budget: BodyBudget;
}

/** A count of the request-body bytes that are being read or still held by a request in progress. */
export interface BodyBudget {
  /** Reserves `bytes` until `res` closes; false (nothing reserved) when that would pass the budget. */
  reserve(bytes: number, res: Response): boolean;
  /** Bytes reserved now (metrics, tests). */
  inUse(): number;
}

/**
 * A budget of `maxBytes` of request bodies held at once. A parsed JSON body takes a few times its size in memory
 * until its answer is sent; this bounds what concurrent large bodies (batches of up to MAX_BATCH_BODY_BYTES) can take,
 * so that the heap limit `npm start` sets cannot be reached through them. A body is always admitted when no other is
 * held, so a single one up to its route's limit is never refused for its size alone.
 */
export function createBodyBudget(maxBytes: number): BodyBudget {
  let used = 0;
  return {
    reserve(bytes, res) {
      if (bytes <= 0) return true;
      if (used > 0 && used + bytes > maxBytes) return false;
      used += bytes;
      res.once('close', () => {
        used -= bytes;
      });
      return true;
    },
    inUse: () => used,
  };
}

/**
 * What a body will hold at most: its Content-Length, capped by the route's limit; the whole limit when its length is
 * unknown in advance (chunked) or when it is compressed (it may inflate up to the limit); nothing without a body.
 */
function bodyBytes(req: Request, limit: number): number {
  const length = Number(req.headers['content-length']);
  const encoded = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase() !== 'identity';
  if (Number.isFinite(length) && length >= 0 && !encoded) return Math.min(length, limit);
  return req.headers['transfer-encoding'] !== undefined || Number.isFinite(length) ? limit : 0;
}

/**
 * A request body may nest up to twice MAX_JSON_DEPTH plus this: room for the envelope around payloads (a batch's
 * array and item, GraphQL's variables) and for payload fields a little too deep, which the services then refuse
 * naming the field exactly. Beyond it the body is refused as a whole before anything recursive reads it.
 */
export const BODY_DEPTH_MARGIN = 8;

/** The deepest nesting a request body may have. */
export function bodyDepthLimit(maxJsonDepth: number): number {
  return 2 * maxJsonDepth + BODY_DEPTH_MARGIN;
}

const parsers = new Map<number, ReturnType<typeof express.json>>();

function parserFor(limit: number) {
  let parser = parsers.get(limit);
  if (!parser) {
    parser = express.json({ limit, strict: false });
    parsers.set(limit, parser);
  }
  return parser;
}

/**
 * The AppError for a request Express could not read: a path that is not valid percent-encoding, or a failure of the
 * body parser (size, JSON, encoding, an aborted upload); null for anything else.
 */
export function bodyReadError(error: unknown): AppError | null {
  if (typeof error !== 'object' || error === null) return null;
  const { type, code, status } = error as { type?: unknown; code?: unknown; status?: unknown };
  // Express's router decodes path parameters with decodeURIComponent and marks the failure 400.
  if (error instanceof URIError || (status === 400 && /decode param/i.test(String((error as Error).message)))) {
    return new AppError('VALIDATION_ERROR', 'The request path is not valid percent-encoding', { field: 'path' });
  }
  switch (type) {
    case 'entity.parse.failed':
      return new AppError('VALIDATION_ERROR', 'The request body is not valid JSON', { field: 'body' });
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large');
    case 'encoding.unsupported':
      return new AppError('VALIDATION_ERROR', 'The Content-Encoding of the request body is not supported', {
        field: 'content-encoding',
      });
    case 'charset.unsupported':
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AppError('VALIDATION_ERROR', 'The request body could not be read', { field: 'body' });
  }
  // zlib's errors for a body that claims gzip/deflate/br but is not: Z_DATA_ERROR and the like for gzip and deflate,
  // ERR__ERROR_FORMAT_… (BrotliDecoderErrorCode names) for br.
  if (typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR__ERROR_'))) {
    return new AppError('VALIDATION_ERROR', 'The request body does not match its Content-Encoding', {
      field: 'content-encoding',
    });
  }
  return null;
}

/**
 * Reads and parses the JSON body of `req` (a body of another media type is left undefined) and checks its depth.
 * Throws the AppError the caller should see.
 */
export async function readJsonBody(
  req: Request,
  res: Response,
  { limit, maxDepth, budget }: ReadJsonBodyOptions,
): Promise<unknown> {
  if (!budget.reserve(bodyBytes(req, limit), res)) {
    // Overload, not a fault of this request: the same answer as any other moment the service cannot take more.
    throw new AppError('UNAVAILABLE', 'The service is holding as many request bodies as it may; retry shortly', {
      reason: 'MAX_INFLIGHT_BODY_BYTES',
    });
  }
  await new Promise<void>((resolve, reject) => {
    parserFor(limit)(req, res, (error?: unknown) => (error ? reject(bodyReadError(error) ?? error) : resolve()));
  });
  const body: unknown = req.body;
  const field = tooDeepAt(body, maxDepth);
  if (field !== null) {
    throw new AppError(
      'VALIDATION_ERROR',
      `${field || 'The request body'} is nested deeper than the body's limit of ${maxDepth} levels`,
      {
        field,
        maxDepth,
      },
    );
  }
  return body;
}
