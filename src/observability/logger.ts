import pino, { type DestinationStream, type Logger } from 'pino';

/** The service's structured JSON logger. Request headers are never logged (they carry API keys). */
export function createLogger(
  options: {
    level?: string;
    destination?: DestinationStream;
    /** Fields on every line, e.g. the worker's id and pid with WEB_CONCURRENCY above 1 (ADR 106). */
    base?: Record<string, unknown>;
  } = {},
): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: options.base,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Belt and braces: should anything ever log a request or its headers, the key is cut out.
      redact: { paths: ['req.headers["x-api-key"]', 'headers["x-api-key"]', '*.apiKey', 'key'], censor: '[redacted]' },
    },
    options.destination,
  );
}

/**
 * Where the service writes its log: stdout written asynchronously, so lines logged while a write is in flight go
 * out together in the next one, instead of one synchronous write per line (the access log's line per request made
 * that a visible share of a create's CPU under load). An idle service still writes each line at once. Call
 * `flushSync()` before exiting; a process killed outright (SIGKILL) may lose the lines not yet written.
 */
export function bufferedStdout() {
  return pino.destination({ dest: 1, sync: false });
}

/**
 * Linux's PIPE_BUF: a write of at most this many bytes to a pipe is never interleaved with another process's writes.
 */
const PIPE_BUF = 4096;

/**
 * bufferedStdout for a process that shares its stdout with others (the primary and workers with WEB_CONCURRENCY
 * above 1): each write holds whole lines and, unless a single line is longer, at most PIPE_BUF bytes, so the lines
 * of two processes never cut into each other.
 */
export function sharedBufferedStdout() {
  return pino.destination({ dest: 1, sync: false, maxWrite: PIPE_BUF });
}

export type { Logger };
