import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon';
import type { Scenario } from './scenarios';

export interface DriveOptions {
  /** The service's base URL. */
  url: string;
  /** API key every request carries. */
  key: string;
  scenario: Scenario;
  seconds: number;
  /** Each response, as autocannon reports it (status, time in ms). */
  onResponse: (statusCode: number, responseTime: number) => void;
  /** Each response's body, when the caller must look into it (GraphQL answers errors with a 200). */
  onBody?: (statusCode: number, body: string) => void;
}

/**
 * Drives `scenario` at its connection count for `seconds` with autocannon, a fresh request (`scenario.next()`) each
 * time. The one load generator of the bench's HTTP scenarios, so that every scenario that says "the single-create
 * load" sends the same thing.
 */
export function driveScenario({
  url,
  key,
  scenario,
  seconds,
  onResponse,
  onBody,
}: DriveOptions): Promise<autocannon.Result> {
  const instance = autocannon({
    url,
    connections: scenario.connections,
    duration: seconds,
    timeout: 30,
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    requests: [
      {
        ...scenario.next(),
        setupRequest: (request: object) => {
          const next = scenario.next();
          return { ...request, ...next, headers: { ...(request as { headers?: object }).headers, ...next.headers } };
        },
        ...(onBody ? { onResponse: (status: number, body: string) => onBody(status, body) } : {}),
      },
    ],
  } as autocannon.Options) as unknown as EventEmitter & Promise<autocannon.Result>;
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) =>
    onResponse(statusCode, responseTime),
  );
  return instance;
}
