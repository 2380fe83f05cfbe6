import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import type { Config } from './config';
import type { ErrorCode } from './errors/app-error';

/** The socket limits of the HTTP server (src/config.ts reads them from HTTP_* settings). */
export type HttpServerOptions = Pick<
  Config,
  'httpHeadersTimeoutMs' | 'httpRequestTimeoutMs' | 'httpKeepAliveTimeoutMs' | 'httpMaxHeaderBytes'
>;

/** The answer to a request Node's HTTP parser refused, before any route saw it. */
interface ParserRefusal {
  status: number;
  code: ErrorCode;
  message: string;
}

/** What to answer for an error of Node's HTTP parser (`clientError`), by its code. */
export function parserRefusal(errorCode: string | undefined, options: HttpServerOptions): ParserRefusal {
  switch (errorCode) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: 'PAYLOAD_TOO_LARGE',
        message: `The request line and headers exceed ${options.httpMaxHeaderBytes} bytes`,
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        code: 'REQUEST_TIMEOUT',
        message: `The request did not arrive within ${options.httpRequestTimeoutMs} ms`,
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The chunk extensions of the request are too large' };
    default:
      return { status: 400, code: 'VALIDATION_ERROR', message: 'The request is not valid HTTP/1.1' };
  }
}

/** The bytes of a whole HTTP/1.1 answer with the documented JSON error body; the connection closes after it. */
function rawErrorResponse({ status, code, message }: ParserRefusal): string {
  const body = JSON.stringify({ error: { code, message } });
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Cache-Control: no-store\r\n' +
    'Connection: close\r\n\r\n' +
    body
  );
}

/**
 * The HTTP server of the service, for `app` (the Express app of buildApp). Beyond Node's defaults:
 * - a socket must send its request headers within `httpHeadersTimeoutMs` and the whole request, body included,
 *   within `httpRequestTimeoutMs` (a silent socket or a body trickling in at a byte a second is closed, with a 408);
 * - an idle keep-alive socket is closed after `httpKeepAliveTimeoutMs`;
 * - the timeouts are checked every second (Node's default is every 30 s, which lets a slow socket live 30 s longer);
 * - every error of the HTTP parser (malformed framing, headers or URL over `httpMaxHeaderBytes`, a timeout) is
 *   answered with the API's JSON error body instead of Node's empty one, then the connection is closed.
 * Responses that take long to send (export, stream) are not limited here: the timeouts bound receiving requests.
 */
export function createHttpServer(app: RequestListener, options: HttpServerOptions): Server {
  const server = createServer(
    {
      headersTimeout: options.httpHeadersTimeoutMs,
      requestTimeout: options.httpRequestTimeoutMs,
      keepAliveTimeout: options.httpKeepAliveTimeoutMs,
      maxHeaderSize: options.httpMaxHeaderBytes,
      connectionsCheckingInterval: Math.min(1000, options.httpHeadersTimeoutMs),
    },
    app,
  );
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A peer that reset or half-closed the connection cannot read an answer.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const answer = rawErrorResponse(parserRefusal(error.code, options));
    // Bytes after a whole request that the parser cannot read (a body sent without Content-Length, say): that
    // request still gets its own answer, with `Connection: close`, and nothing may follow it on the connection.
    const pending = (socket as Duplex & { _httpMessage?: (ServerResponse & { req?: IncomingMessage }) | null })
      ._httpMessage;
    if (pending && !pending.writableFinished && pending.req?.complete) {
      pending.shouldKeepAlive = false;
      return;
    }
    // A response already under way cannot have another one put in its middle.
    if (pending?.headersSent && !pending.writableFinished) {
      socket.destroy();
      return;
    }
    socket.end(answer);
  });
  return server;
}
