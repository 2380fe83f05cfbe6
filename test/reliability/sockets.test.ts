/**
 * Socket hygiene of the service's HTTP server (src/server.ts), over raw TCP as a hostile or broken client would
 * speak: what Node's parser refuses is answered with the API's JSON error body, and sockets that send nothing, send
 * a body at a byte at a time, or idle after an answer are closed within the configured timeouts.
 */
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { loadConfig } from '../../src/config';
import { createHttpServer } from '../../src/server';
import { createTestApp, type TestApp } from '../helpers/app';

const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;
const KEEP_ALIVE_TIMEOUT_MS = 500;

let t: TestApp;
let server: Server;
let port: number;
beforeAll(async () => {
  t = await createTestApp({
    HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
  });
  server = createHttpServer(t.app, t.config).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

/** A raw connection: what it received, when it was closed (ms after opening), and a way to write. */
function open(): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - started)));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received: () => Buffer.concat(chunks).toString('latin1'), closed }));
  });
}

/** The status and JSON body of the one answer in `raw`. */
function parse(raw: string): {
  status: number;
  contentType: string;
  body: { error: { code: string; message: string } };
} {
  const [head, body] = raw.split('\r\n\r\n');
  return {
    status: Number(head.split(' ')[1]),
    contentType: /content-type: ([^\r]+)/i.exec(head)?.[1] ?? '',
    body: JSON.parse(body),
  };
}

it('answers malformed framing with a JSON 400 and closes the connection', async () => {
  const { socket, received, closed } = await open();
  socket.write('GARBAGE / HTTP/1.1\r\nHost: x\r\n\r\n');
  await closed;
  const answer = parse(received());
  expect(answer.status).toBe(400);
  expect(answer.contentType).toMatch(/^application\/json/);
  expect(answer.body.error.code).toBe('VALIDATION_ERROR');
});

it('answers a DELETE followed by bytes it cannot parse (a body without Content-Length), then closes', async () => {
  const { socket, received, closed } = await open();
  socket.write(`DELETE /api/actions/x HTTP/1.1\r\nHost: x\r\nx-api-key: ${t.keys.admin}\r\n\r\n{"a":1}`);
  await closed;
  // One answer, the route's own ("x" is not a UUID), marked as the connection's last: nothing after it.
  const answers = received().split(/(?=HTTP\/1\.1 )/);
  expect(answers).toHaveLength(1);
  expect(answers[0]).toMatch(/\r\nConnection: close\r\n/i);
  expect(parse(answers[0])).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_ERROR' } } });
});

it.each([
  ['headers', (s: Socket) => s.write(`GET /api/actions HTTP/1.1\r\nHost: x\r\nx-pad: ${'p'.repeat(40_000)}\r\n\r\n`)],
  ['URL', (s: Socket) => s.write(`GET /api/actions?q=${'u'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`)],
])('answers oversized %s with a JSON 431, not a reset', async (_what, send) => {
  const { socket, received, closed } = await open();
  send(socket);
  await closed;
  expect(parse(received())).toMatchObject({ status: 431, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
});

it('closes a socket that sends nothing within the headers timeout', async () => {
  const { received, closed } = await open();
  const after = await closed;
  expect(after).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
  expect(after).toBeLessThan(HEADERS_TIMEOUT_MS + 2_500);
  if (received()) expect(parse(received()).status).toBe(408);
});

it('answers a body trickling in a byte at a time with a JSON 408 within the request timeout', async () => {
  const { socket, received, closed } = await open();
  const body = JSON.stringify({ resourceId: 'slow', resourceType: 'ORDER', action: 'CREATE', origin: 'API' });
  socket.write(
    `POST /api/interactions HTTP/1.1\r\nHost: x\r\nx-api-key: ${t.keys.write}\r\n` +
      `content-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`,
  );
  let sent = 0;
  const drip = setInterval(() => {
    if (sent < body.length && !socket.destroyed) socket.write(body[sent++]);
  }, 200);
  const after = await closed;
  clearInterval(drip);
  expect(sent).toBeLessThan(body.length);
  expect(after).toBeLessThan(REQUEST_TIMEOUT_MS + 2_500);
  expect(parse(received())).toMatchObject({ status: 408, body: { error: { code: 'REQUEST_TIMEOUT' } } });
});

it('closes an idle keep-alive socket after the keep-alive timeout', async () => {
  const { socket, received, closed } = await open();
  const answeredAt = Date.now();
  socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`);
  await closed;
  expect(received()).toMatch(/^HTTP\/1\.1 200/);
  expect(Date.now() - answeredAt).toBeLessThan(KEEP_ALIVE_TIMEOUT_MS + 2_500);
});

it('refuses a headers timeout longer than the request timeout, naming both settings', () => {
  expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '1000' })).toThrow(
    /HTTP_HEADERS_TIMEOUT_MS=5000 .* HTTP_REQUEST_TIMEOUT_MS/,
  );
});
