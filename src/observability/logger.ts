import pino, { type DestinationStream, type Logger } from 'pino';

/** The service's structured JSON logger. Request headers are never logged (they carry API keys). */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: undefined,
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

export type { Logger };
