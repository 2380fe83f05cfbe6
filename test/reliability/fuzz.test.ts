/**
 * Fuzz: thousands of generated malformed requests across every REST route and GraphQL. Whatever arrives, the
 * service answers with a 4xx in the documented error shape (or a success for the rare valid one), never a 5xx,
 * and keeps running.
 */
import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { ErrorCode } from '../../src/errors/app-error';
import { REST_ROUTES } from '../../src/rest/routes';
import { api, createTestApp, type TestApp } from '../helpers/app';

const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 10_000);
jest.setTimeout(600_000);
const CONCURRENCY = 8;
const CODES: ErrorCode[] = [
  'VALIDATION_ERROR', 'UNKNOWN_LOOKUP', 'LOOKUP_MISMATCH', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT',
  'PAYLOAD_TOO_LARGE', 'RATE_LIMITED', 'UNAVAILABLE', 'INTERNAL',
];

// Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed with the same seed.
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const random = prng(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

const STRINGS = [
  '', ' ', 'a', 'ORDER', 'order', 'CREATE', '0', '-1', '1e309', 'NaN', 'null', 'true', '[]', '{}', '💥'.repeat(50),
  "' OR 1=1 --", "'; DROP TABLE interactions; --", '<script>alert(1)</script>', '../../etc/passwd', '\u0000', '%00',
  'x'.repeat(600), '2024-02-30', '2024-01-01T25:00:00Z', '99999999999999999999', '00000000-0000-0000-0000-000000000000',
  'not-a-uuid', '01a2166f-57ed-742c-8ebb-bb326ff18845', '${jndi:ldap://x}', '\\', '"', '🙂',
];

function nested(depth: number): unknown {
  let value: unknown = pick(STRINGS);
  for (let i = 0; i < depth; i++) value = random() < 0.5 ? [value] : { k: value };
  return value;
}

function junkValue(depth = 0): unknown {
  const r = random();
  if (r < 0.2) return pick(STRINGS);
  if (r < 0.3) return Math.floor(random() * 2 ** 40) * (random() < 0.5 ? -1 : 1);
  if (r < 0.35) return random() < 0.5;
  if (r < 0.4) return null;
  if (r < 0.45) return 1.5e308;
  if (r < 0.55 && depth < 3) return Array.from({ length: Math.floor(random() * 4) }, () => junkValue(depth + 1));
  if (r < 0.7 && depth < 3) {
    const keys = ['resourceId', 'resourceType', 'action', 'origin', 'mnemonic', 'name', 'interaction', 'scopes', 'x'];
    return Object.fromEntries(Array.from({ length: Math.floor(random() * 5) }, () => [pick(keys), junkValue(depth + 1)]));
  }
  if (r < 0.75) return nested(20 + Math.floor(random() * 80));
  return pick(STRINGS);
}

const JUNK_BODIES = ['{', '{"resourceId":', 'null', '[]', '"string"', '12', '{"a":1}}', '\u0000\u0001', 'garbage', '{"__proto__":{"x":1}}'];

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

function fillPath(path: string): string {
  return path.replace(/:(\w+)/g, () => encodeURIComponent(pick(STRINGS)) || 'x');
}

function query(): string {
  const names = ['page', 'limit', 'resourceId', 'interactionId', 'uowId', 'action', 'startDate', 'endDate', 'days', 'granularity', 'userId'];
  const parts = Array.from({ length: Math.floor(random() * 4) }, () => `${pick(names)}${random() < 0.1 ? '[x]' : ''}=${encodeURIComponent(pick(STRINGS))}`);
  if (random() < 0.1) parts.push('limit=1&limit=2');
  return parts.length ? `?${parts.join('&')}` : '';
}

function generate(keys: TestApp['keys']): FuzzRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const keyChoice = random();
  if (keyChoice < 0.85) headers['x-api-key'] = pick([keys.admin, keys.admin, keys.write, keys.read]);
  else if (keyChoice < 0.95) headers['x-api-key'] = pick(STRINGS.filter((s) => /^[\x20-\x7e]*$/.test(s))) || 'k';
  if (random() < 0.3) headers['x-uowid'] = encodeURIComponent(pick(STRINGS)) || 'u';
  if (random() < 0.3) headers['x-interaction-timestamp'] = encodeURIComponent(pick(STRINGS)) || 't';
  if (random() < 0.2) headers['x-userid'] = random() < 0.5 ? 'u'.repeat(300) : 'user';
  if (random() < 0.1) headers['idempotency-key'] = random() < 0.5 ? 'x'.repeat(400) : 'fuzz-key';
  if (random() < 0.05) headers['content-type'] = pick(['text/plain', 'application/json; charset=utf-7', 'application/xml']);

  let body: string | undefined;
  const shape = random();
  if (shape < 0.25) body = pick(JUNK_BODIES);
  else if (shape < 0.3) body = JSON.stringify({ resourceId: 'big', interaction: { blob: 'x'.repeat(1_100_000) } });
  else if (shape < 0.35) body = JSON.stringify({ resourceId: 'deep', resourceType: 'ORDER', action: 'CREATE', origin: 'API', interaction: nested(40 + Math.floor(random() * 200)) });
  else body = JSON.stringify(junkValue());

  if (random() < 0.2) {
    const gql = pick([
      '{ interactions { items { id } } }',
      '{ interactions(limit: -5) { items { id } } }',
      '{ interaction(id: "x") { id } }',
      'query { __typename',
      '{ nope }',
      'mutation { createInteraction(input: {resourceId: ""}) { id } }',
      `{ ${Array.from({ length: 600 }, (_, i) => `a${i}: __typename`).join(' ')} }`,
      `{ interactions { items { ${'resourceType { '.repeat(1)}id } } } }`,
      'query Q($v: Int) { interactions(limit: $v) { pagination { total } } }',
      'fragment A on Interaction { ...A } { interactions { items { ...A } } }',
    ]);
    const payload = random() < 0.2 ? pick(JUNK_BODIES) : JSON.stringify({ query: gql, variables: random() < 0.5 ? junkValue() : { v: pick(STRINGS) } });
    return { method: 'POST', path: '/graphql', headers, body: payload };
  }
  const route = pick(REST_ROUTES);
  const method = route.method.toUpperCase();
  return { method, path: fillPath(route.path) + query(), headers, body: method === 'GET' || method === 'DELETE' ? undefined : body };
}

function send(port: number, agent: Agent, req: FuzzRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port, method: req.method, path: req.path, headers: req.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

let t: TestApp;
let server: Server;
beforeAll(async () => {
  t = await createTestApp();
  await api(t.app, t.keys.admin).post('/api/resource-types').send({ mnemonic: 'ORDER' }).expect(201);
  server = t.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

it(`answers ${TOTAL} malformed requests without a 5xx, always in the documented error shape`, async () => {
  const port = (server.address() as AddressInfo).port;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  let next = 0;
  const requests = Array.from({ length: TOTAL }, () => generate(t.keys));

  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) {
        const req = requests[next++];
        const res = await send(port, agent, req);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const describe = `${req.method} ${req.path.slice(0, 80)} → ${res.status} ${res.body.slice(0, 200)}`;
        if (res.status >= 500) failures.push(describe);
        else if (res.status >= 400 && req.path.startsWith('/api')) {
          const body = JSON.parse(res.body) as { error?: { code?: string; message?: string } };
          if (!body.error || !CODES.includes(body.error.code as ErrorCode) || typeof body.error.message !== 'string') failures.push(describe);
        } else if (res.status >= 400) {
          const body = JSON.parse(res.body) as { errors?: { message?: string }[]; error?: { code?: string } };
          if (!(body.errors?.[0]?.message || body.error?.code)) failures.push(describe);
        }
        if (/\n\s+at |node_modules|\.ts:\d+|\bFROM interactions\b|INSERT INTO/.test(res.body)) failures.push(`leak: ${describe}`);
      }
    }),
  );
  agent.destroy();
  const summary = [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}:${n}`).join(' ');
  process.stdout.write(`fuzz: ${TOTAL} requests (seed ${SEED}), statuses ${summary}, failures ${failures.length}\n`);
  expect(failures.slice(0, 10)).toEqual([]);
  // Still alive and answering normally.
  expect((await api(t.app, t.keys.read).get('/api/actions')).status).toBe(200);
});
