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

export type { Logger };
