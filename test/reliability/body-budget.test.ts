/**
 * The budget of request-body bytes held at once (MAX_INFLIGHT_BODY_BYTES): concurrent bodies past it are refused
 * with 503 and Retry-After before they are read, a lone body is always admitted, and the budget comes back when an
 * answer is sent — so the heap limit `npm start` sets cannot be reached through concurrent large bodies.
 */
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Server } from 'node:http';
import { createHttpServer } from '../../src/server';
import { createTestApp, type TestApp } from '../helpers/app';

const BUDGET = 4096;

let t: TestApp;
let server: Server;
let url: string;
beforeAll(async () => {
  t = await createTestApp({ MAX_INFLIGHT_BODY_BYTES: String(BUDGET) });
  server = createHttpServer(t.app, t.config).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

const item = (resourceId: string, padding = 0) => ({
  resourceId,
  resourceType: 'NONE',
  action: 'CREATE',
  origin: 'API',
  interaction: { padding: 'p'.repeat(padding) },
});

const post = (path: string, body: unknown) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': t.keys.write, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** A request whose headers announce `body` but which sends only its first half, holding its share of the budget. */
async function halfSent(body: string): Promise<{ socket: Socket; finish(): Promise<string> }> {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const chunks: Buffer[] = [];
  socket.on('data', (chunk) => chunks.push(chunk));
  socket.write(
    `POST /api/interactions HTTP/1.1\r\nHost: x\r\nx-api-key: ${t.keys.write}\r\nconnection: close\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, body.length / 2)}`,
  );
  return {
    socket,
    finish: async () => {
      // Written, not end()ed: a client that half-closes its socket has abandoned the request as far as Node's HTTP
      // server is concerned, and whether the answer still went out would depend on timing. `connection: close`
      // closes it after the answer.
      socket.write(body.slice(body.length / 2));
      await new Promise((resolve) => socket.once('close', resolve));
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

it('refuses a second body past the budget with 503 and Retry-After, then admits it once the first is answered', async () => {
  await fetch(`${url}/api/resource-types`, {
    method: 'POST',
    headers: { 'x-api-key': t.keys.admin, 'content-type': 'application/json' },
    body: JSON.stringify({ mnemonic: 'NONE' }),
  });
  const first = await halfSent(JSON.stringify(item('budget-first', 3000)));
  await new Promise((resolve) => setTimeout(resolve, 200)); // its headers are read and its bytes reserved

  const refused = await post('/api/interactions', item('budget-second', 1500));
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toBe('1');
  expect(await refused.json()).toMatchObject({
    error: { code: 'UNAVAILABLE', details: { reason: 'MAX_INFLIGHT_BODY_BYTES' } },
  });
  // Small bodies that still fit beside it are not refused.
  expect((await post('/api/interactions', item('budget-small'))).status).toBe(201);

  expect(await first.finish()).toMatch(/^HTTP\/1\.1 201 /);
  expect((await post('/api/interactions', item('budget-second', 1500))).status).toBe(201);
});

it('always admits a lone body larger than the budget (up to its route limit)', async () => {
  const res = await post('/api/interactions/batch', {
    interactions: Array.from({ length: 4 }, (_, i) => item(`budget-lone-${i}`, 2000)),
  });
  expect(res.status).toBe(201);
});

it('returns what a refused or aborted request reserved', async () => {
  const aborted = await halfSent(JSON.stringify(item('budget-aborted', 3000)));
  await new Promise((resolve) => setTimeout(resolve, 200));
  aborted.socket.destroy();
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect((await post('/api/interactions', item('budget-after-abort', 3000))).status).toBe(201);
});
