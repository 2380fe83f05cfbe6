/**
 * Fuzz, bounded: FUZZ_REQUESTS (default 10,000) broken requests generated from the OpenAPI document (every operation
 * in turn) and GraphQL, against the real app over HTTP. Never a 5xx, a reset or a hang; every error JSON in the
 * documented shape; the service still answers afterwards. `npm run fuzz` runs a longer one against `npm start`.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createHttpServer } from '../../src/server';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { OPENAPI_DOCUMENT } from '../helpers/openapi';
import { fuzzer, operationName, operationsOf, runFuzz } from './fuzzer';

const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
jest.setTimeout(900_000);

let t: TestApp;
let server: Server;
beforeAll(async () => {
  t = await createTestApp();
  await api(t.app, t.keys.admin).post('/api/resource-types').send({ mnemonic: 'ORDER' }).expect(201);
  // The service's own server (src/server.ts): its parser errors and timeouts are part of what is judged.
  server = createHttpServer(t.app, t.config).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

it(`answers ${TOTAL} broken requests without a 5xx, an internal GraphQL error, a reset or a non-JSON error`, async () => {
  const operations = operationsOf(OPENAPI_DOCUMENT as unknown as Record<string, unknown>);
  const { statuses, failures, operationsReached } = await runFuzz(
    (server.address() as AddressInfo).port,
    fuzzer(operations, t.keys, SEED),
    TOTAL,
  );
  const summary = [...statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}:${count}`)
    .join(' ');
  process.stdout.write(
    `fuzz: ${TOTAL} requests over ${operations.length} operations (seed ${SEED}), statuses ${summary}, failures ${failures.length}\n`,
  );
  if (failures.length) process.stdout.write(`fuzz failures (first 40):\n${failures.slice(0, 40).join('\n')}\n`);
  expect(failures.slice(0, 10)).toEqual([]);
  // Every documented operation answered at least once from its own route, not only from the key check or the parser.
  expect(operations.map(operationName).filter((name) => !operationsReached.has(name))).toEqual([]);
  expect((await api(t.app, t.keys.read).get('/api/actions')).status).toBe(200);
});
