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
 * Where the service writes its log: stdout (or the file descriptor `fd`), in writes of at least 8 KiB, or whatever has gathered every 250 ms. A
 * write is a system call, and on a virtual machine a costly one: one per access-log line was a tenth of a read's CPU
 * (docs/adr/108-per-request-cost.md). A line therefore reaches stdout at most 250 ms after it was logged. Call
 * `flushSync()` before exiting; a process killed outright (SIGKILL) loses the lines of its last 250 ms.
 */
export function bufferedStdout(fd = 1) {
  return pino.destination({ dest: fd, sync: false, minLength: LOG_WRITE_BYTES, periodicFlush: LOG_FLUSH_MS });
}

/** The least a log write carries, and how long a line may wait for others (bufferedStdout). */
export const LOG_WRITE_BYTES = 8 * 1024;
export const LOG_FLUSH_MS = 250;

/**
 * Linux's PIPE_BUF: a write of at most this many bytes to a pipe is never interleaved with another process's writes.
 */
const PIPE_BUF = 4096;

/**
 * bufferedStdout for a process that shares its stdout with others (the primary and workers with WEB_CONCURRENCY
 * above 1): each write holds whole lines and, unless a single line is longer, at most PIPE_BUF bytes, so the lines
 * of two processes never cut into each other. Lines still gather (from 3 KiB, or every 250 ms) into fewer writes.
 */
export function sharedBufferedStdout() {
  return pino.destination({
    dest: 1,
    sync: false,
    maxWrite: PIPE_BUF,
    minLength: PIPE_BUF - 1024,
    periodicFlush: LOG_FLUSH_MS,
  });
}

export type { Logger };
