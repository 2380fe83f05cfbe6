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

/** `Content-Type: application/json`, with no parameter or with charset UTF-8 (any case, as body-parser takes it). */
const PLAIN_JSON_TYPE = /^application\/json[ \t]*(?:;[ \t]*charset=(?:"utf-8"|utf-8)[ \t]*)?$/i;

/**
 * The length of a body that can be read without body-parser, or null: JSON in UTF-8, not compressed, of a declared
 * length of 1 byte up to `limit`. These are what clients send; body-parser reads every other body (compressed,
 * chunked, another charset or media type, too large, empty), with its own answers.
 */
function plainJsonLength(req: Request, limit: number): number | null {
  const { 'content-type': type, 'content-length': declared } = req.headers;
  if (req.readableEnded || type === undefined || !PLAIN_JSON_TYPE.test(type)) return null;
  if (req.headers['content-encoding'] !== undefined || req.headers['transfer-encoding'] !== undefined) return null;
  if (declared === undefined || !/^[0-9]{1,10}$/.test(declared)) return null;
  const length = Number(declared);
  return length >= 1 && length <= limit ? length : null;
}

/** An error marked as body-parser marks its own (`bodyReadError` words it). */
function bodyParserError(message: string, type: string): Error {
  return Object.assign(new Error(message), { type, status: 400, statusCode: 400, expose: true });
}

/**
 * A body of `length` bytes of UTF-8 JSON, read and parsed as body-parser's `express.json({ strict: false })` would:
 * a byte-order mark dropped, invalid UTF-8 decoded to U+FFFD, any JSON value. A body that ends early or runs long,
 * or an upload aborted, is refused as unreadable; invalid JSON as invalid JSON. Without body-parser's type and
 * charset negotiation, stream set-up and buffering through raw-body, which cost a tenth of a small request.
 */
function readPlainJson(req: Request, length: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (error: Error | null) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      req.off('error', onError);
      req.off('close', onClose);
      if (error) {
        // Read off the rest, as body-parser does, so the connection can carry the answer.
        req.resume();
        reject(bodyReadError(error) ?? error);
        return;
      }
      const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received)).toString('utf8');
      try {
        resolve(JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text));
      } catch {
        reject(bodyReadError(bodyParserError('invalid JSON', 'entity.parse.failed')));
      }
    };
    const sizeMismatch = () => bodyParserError('request size did not match content length', 'request.size.invalid');
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > length) finish(sizeMismatch());
      else chunks.push(chunk);
    };
    const onEnd = () => finish(received === length ? null : sizeMismatch());
    const onAborted = () => finish(bodyParserError('request aborted', 'request.aborted'));
    const onError = (error: Error) => finish(bodyParserError(error.message, 'request.aborted'));
    // A connection closed before the body's end (after it, this listener is gone).
    const onClose = () => finish(bodyParserError('request aborted', 'request.aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
    req.on('error', onError);
    req.on('close', onClose);
  });
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
  const plain = plainJsonLength(req, limit);
  const body: unknown =
    plain === null
      ? await new Promise<unknown>((resolve, reject) => {
          parserFor(limit)(req, res, (error?: unknown) =>
            error ? reject(bodyReadError(error) ?? error) : resolve(req.body),
          );
        })
      : (req.body = await readPlainJson(req, plain));
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
