/**
 * A seeded fuzzer driven by the OpenAPI document: every operation in turn, each request broken in one or more ways
 * the issue lists (wrong types, boundary numbers, unicode, NUL, deep JSON, bad percent-encoding, bogus
 * Content-Encoding, duplicated parameters, oversized URLs and headers, wrong content types), plus GraphQL. It sends
 * over raw HTTP/1.1 and judges each answer: never a 5xx, never a reset or a hang, every error a JSON body in the
 * documented shape, and every GraphQL error coded and not internal whatever the status (Apollo answers a resolver's
 * throw with 200). It records which operations were answered by their own route, so coverage can be checked. Used by test/reliability/fuzz.test.ts (bounded) and `npm run fuzz` (long).
 */
import { gzipSync } from 'node:zlib';
import { Agent, request as httpRequest } from 'node:http';
import type { ErrorCode } from '../../src/errors/app-error';

/** Every error code the API may answer (src/rest/schema.ts lists the same). */
export const ERROR_CODES: readonly ErrorCode[] = [
  'VALIDATION_ERROR',
  'UNKNOWN_LOOKUP',
  'LOOKUP_MISMATCH',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'REQUEST_TIMEOUT',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
];

type Json = Record<string, unknown>;

/** Deterministic pseudo-random numbers (mulberry32): a failure replays with the same seed. */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = [
  '',
  ' ',
  'a',
  'ORDER',
  'order',
  'CREATE',
  'null',
  '[]',
  '💥'.repeat(50),
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x'.repeat(600),
  '2024-02-30',
  '2024-01-01T25:00:00Z',
  '1732795200',
  '00000000-0000-0000-0000-000000000000',
  'not-a-uuid',
  '01a2166f-57ed-742c-8ebb-bb326ff18845',
  '${jndi:ldap://x}',
  '\\',
  '"',
  'ｆｕｌｌｗｉｄｔｈ',
  'e\u0301',
];
const NUMBERS = [
  0,
  -1,
  1,
  100,
  101,
  2_147_483_647,
  2_147_483_648,
  -2_147_483_649,
  Number.MAX_SAFE_INTEGER + 2,
  1.5,
  1e308,
  -0,
];
const BAD_ESCAPES = ['%ZZ', '%E0%A4%A', '%', '%u0041', '%C0%AF', '%00', '%ff%fe'];

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** What was broken, for the failure message. */
  why: string;
  /** The OpenAPI operation it was made from (`GET /api/interactions/{id}`); absent for GraphQL. */
  operation?: string;
}

export interface FuzzKeys {
  admin: string;
  write: string;
  read: string;
}

interface Operation {
  method: string;
  path: string;
  params: { name: string; in: string; schema: Json }[];
  body?: Json;
}

/** The operations of an OpenAPI document, every parameter and body schema resolved. */
export function operationsOf(document: Json): Operation[] {
  const components = ((document.components as Json).schemas ?? {}) as Record<string, Json>;
  const resolve = (schema: Json | undefined): Json | undefined => {
    if (!schema) return schema;
    const ref = schema.$ref as string | undefined;
    return ref ? resolve(components[ref.split('/').pop() as string]) : schema;
  };
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
    for (const [method, operation] of Object.entries(item)) {
      const params = ((operation.parameters ?? []) as Json[])
        .filter((param) => !param.$ref)
        .map((param) => ({
          name: param.name as string,
          in: param.in as string,
          schema: resolve(param.schema as Json) ?? {},
        }));
      const body = resolve(
        ((operation.requestBody as Json | undefined)?.content as Record<string, { schema: Json }> | undefined)?.[
          'application/json'
        ]?.schema,
      );
      operations.push({ method: method.toUpperCase(), path, params, body: body && { ...body, components } });
    }
  }
  return operations;
}

/** An operation's name as the fuzzer reports coverage: `GET /api/interactions/{id}`. */
export function operationName(op: Pick<Operation, 'method' | 'path'>): string {
  return `${op.method} ${op.path}`;
}

/** A generator of broken requests over `operations`, deterministic for a seed. */
export function fuzzer(operations: Operation[], keys: FuzzKeys, seed: number) {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const chance = (p: number) => random() < p;
  let turn = 0;

  const components = (operations.find((op) => op.body)?.body?.components ?? {}) as Record<string, Json>;
  const deref = (schema: Json): Json => {
    const ref = schema.$ref as string | undefined;
    return ref ? deref(components[ref.split('/').pop() as string]) : schema;
  };

  function nested(depth: number): unknown {
    let value: unknown = pick(STRINGS);
    for (let i = 0; i < depth; i += 1) value = chance(0.5) ? [value] : { k: value };
    return value;
  }

  /** A value of the wrong kind, an edge of the right kind, or something hostile. */
  function badValue(): unknown {
    const r = random();
    if (r < 0.3) return pick(STRINGS);
    if (r < 0.5) return pick(NUMBERS);
    if (r < 0.55) return chance(0.5);
    if (r < 0.6) return null;
    if (r < 0.7) return [pick(STRINGS)];
    if (r < 0.8) return { [pick(STRINGS)]: pick(STRINGS) };
    if (r < 0.9) return nested(20 + Math.floor(random() * 200));
    return nested(2000 + Math.floor(random() * 2000));
  }

  /** A plausible value for a schema (so that other breakages reach deeper), sometimes broken. */
  function valueFor(schema: Json, depth = 0): unknown {
    const s = deref(schema);
    if (chance(0.15) || depth > 4) return badValue();
    if (Array.isArray(s.enum)) return pick(s.enum as unknown[]);
    const type = Array.isArray(s.type) ? (s.type as string[])[0] : (s.type as string | undefined);
    if (s.allOf) return valueFor({ ...deref((s.allOf as Json[])[0]), ...s, allOf: undefined }, depth);
    if (s.oneOf) return valueFor(pick(s.oneOf as Json[]), depth);
    switch (type) {
      case 'integer':
        return chance(0.7) ? 1 + Math.floor(random() * 5) : pick(NUMBERS);
      case 'string':
        if (s.format === 'uuid') return chance(0.8) ? '01a2166f-57ed-742c-8ebb-bb326ff18845' : pick(STRINGS);
        return chance(0.6) ? pick(['ORDER', 'CREATE', 'API', 'fuzz', 'read']) : pick(STRINGS);
      case 'array':
        return Array.from({ length: chance(0.9) ? 1 + Math.floor(random() * 3) : 1001 }, () =>
          valueFor((s.items as Json) ?? {}, depth + 1),
        );
      case 'object': {
        const properties = (s.properties ?? {}) as Record<string, Json>;
        const value: Json = {};
        for (const [name, property] of Object.entries(properties)) {
          if (chance(0.7)) value[name] = valueFor(property, depth + 1);
        }
        if (chance(0.1)) value.__proto__ = { polluted: true };
        return value;
      }
      default:
        return chance(0.5) ? { any: pick(STRINGS) } : badValue();
    }
  }

  function encode(value: unknown): string {
    const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
    if (chance(0.1)) return pick(BAD_ESCAPES);
    try {
      return encodeURIComponent(text);
    } catch {
      return pick(BAD_ESCAPES); // a lone surrogate cannot be encoded: send a broken escape instead
    }
  }

  function bodyFor(op: Operation, why: string[]): { body?: Buffer; headers: Record<string, string> } {
    const headers: Record<string, string> = {};
    let text: string;
    const shape = random();
    if (!op.body && op.method === 'GET') return { headers };
    if (shape < 0.15) {
      text = pick(['{', '{"resourceId":', 'null', '[]', '"s"', '12', '{"a":1}}', '\u0000\u0001', 'garbage']);
      why.push('junk body');
    } else if (shape < 0.2) {
      text = JSON.stringify({ resourceId: 'big', interaction: { blob: 'x'.repeat(1_100_000) } });
      why.push('oversized body');
    } else {
      text = JSON.stringify(op.body ? valueFor(op.body) : badValue()) ?? 'null';
    }
    let body = Buffer.from(text);
    headers['content-type'] = chance(0.9)
      ? 'application/json'
      : pick(['text/plain', 'application/json; charset=utf-7', 'application/xml', 'multipart/form-data', '']);
    if (chance(0.08)) {
      const encoding = pick(['gzip', 'deflate', 'br', 'compress', 'identity, gzip', 'zstd', 'gzip, gzip']);
      headers['content-encoding'] = encoding;
      if (encoding === 'gzip' && chance(0.3)) body = gzipSync(body);
      why.push(`content-encoding ${encoding}`);
    }
    return { body, headers };
  }

  /** The next request: operations in turn (each is covered), one in five a GraphQL request. */
  function next(): FuzzRequest {
    const why: string[] = [];
    const headers: Record<string, string> = {};
    const keyChoice = random();
    if (keyChoice < 0.85) headers['x-api-key'] = pick([keys.admin, keys.admin, keys.write, keys.read]);
    else if (keyChoice < 0.95) headers['x-api-key'] = pick(['k', 'ik_unknown', 'x'.repeat(300)]);
    if (chance(0.02)) {
      headers['x-padding'] = 'p'.repeat(20_000 + Math.floor(random() * 60_000));
      why.push('oversized header');
    }
    if (chance(0.2)) return graphql(headers, why);

    const op = operations[turn++ % operations.length];
    let path = op.path.replace(/\{(\w+)\}/g, () =>
      chance(0.7) ? '01a2166f-57ed-742c-8ebb-bb326ff18845' : encode(pick(STRINGS)) || pick(BAD_ESCAPES),
    );
    const query: string[] = [];
    for (const param of op.params) {
      const value = chance(0.6) ? valueFor(param.schema) : badValue();
      if (param.in === 'query' && chance(0.5)) {
        const name = chance(0.05) ? `${param.name}[x]` : param.name;
        query.push(`${name}=${encode(value)}`);
        if (chance(0.05)) {
          query.push(`${name}=${encode(value)}`);
          why.push(`duplicated ${param.name}`);
        }
      }
      if (param.in === 'header' && chance(0.4)) {
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        // Header values must be Latin-1 without control characters on the wire.
        headers[param.name.toLowerCase()] = (text ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 400) || 'h';
      }
    }
    if (chance(0.01)) {
      query.push(`q=${'u'.repeat(100_000)}`);
      why.push('oversized URL');
    }
    if (chance(0.03)) {
      path += `/${pick(BAD_ESCAPES)}`;
      why.push('bad escape in path');
    }
    if (query.length) path += `?${query.join('&')}`;
    const { body, headers: bodyHeaders } = bodyFor(op, why);
    return {
      method: op.method,
      path,
      headers: { ...headers, ...bodyHeaders },
      body: op.method === 'GET' ? undefined : body,
      why: why.join(', '),
      operation: operationName(op),
    };
  }

  function graphql(headers: Record<string, string>, why: string[]): FuzzRequest {
    const query = pick([
      '{ interactions { items { id } } }',
      '{ interactions(limit: -5) { items { id } } }',
      '{ interaction(id: "x") { id } }',
      'query { __typename',
      '{ nope }',
      'mutation { createInteraction(input: {resourceId: "\\u0000"}) { id } }',
      `{ ${Array.from({ length: 600 }, (_, i) => `a${i}: __typename`).join(' ')} }`,
      `{ ${Array.from({ length: 30 }, (_, i) => `t${i}: trace(uowId: "01a2166f-57ed-742c-8ebb-bb326ff18845") { interactions(limit: 10000) { items { id } } }`).join(' ')} }`,
      'query Q($v: Int) { interactions(limit: $v) { pagination { total } } }',
      'mutation M($i: [CreateInteractionInput!]!) { createInteractions(inputs: $i) { id } }',
      'fragment A on Interaction { ...A } { interactions { items { ...A } } }',
    ]);
    const payload = chance(0.15)
      ? pick(['{', 'null', '[]', '{"query": 12}'])
      : JSON.stringify({ query, variables: chance(0.5) ? badValue() : { v: pick(NUMBERS), i: [valueFor({})] } });
    why.push('graphql');
    return {
      method: 'POST',
      path: '/graphql',
      headers: { ...headers, 'content-type': 'application/json' },
      body: Buffer.from(payload),
      why: why.join(', '),
    };
  }

  return { next };
}

/** The answer to one request: its status and body, or how the connection failed. */
export interface FuzzAnswer {
  status: number;
  body: string;
  error?: string;
}

/** Sends one request; a reset or a timeout is reported as such, never thrown. */
export function send(port: number, agent: Agent, req: FuzzRequest, timeoutMs = 30_000): Promise<FuzzAnswer> {
  return new Promise((resolve) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, method: req.method, path: req.path, headers: req.headers, agent, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        // The live stream never ends by itself: its answer is judged on its status and first event, then closed.
        const isStream = String(res.headers['content-type'] ?? '').startsWith('text/event-stream');
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          if (isStream && Buffer.concat(chunks).includes('\n\n')) {
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
            res.destroy();
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (error) => resolve({ status: 0, body: '', error: error.message }));
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer in time')));
    outgoing.on('error', (error) => resolve({ status: 0, body: '', error: error.message }));
    outgoing.end(req.body);
  });
}

/** GraphQL codes that mean the service failed, whatever the HTTP status says. */
const INTERNAL_GRAPHQL_CODES = new Set(['INTERNAL_SERVER_ERROR', 'INTERNAL']);

interface AnswerBody {
  error?: { code?: string; message?: string };
  errors?: { message?: unknown; extensions?: { code?: unknown } }[];
}

/**
 * What is wrong with a GraphQL answer's errors, at any status (Apollo answers 200 with errors for a resolver's
 * throw): each has a message and a code, and none is an internal error.
 */
function graphqlErrorProblem(errors: NonNullable<AnswerBody['errors']>): string | null {
  for (const error of errors) {
    const code = error.extensions?.code;
    if (typeof code !== 'string') return 'GraphQL error without extensions.code';
    if (INTERNAL_GRAPHQL_CODES.has(code)) return `GraphQL ${code}`;
    if (typeof error.message !== 'string') return 'GraphQL error without a message';
  }
  return null;
}

/** What is wrong with an answer (null when it is acceptable). */
export function judge(req: FuzzRequest, res: FuzzAnswer): string | null {
  const describe = `${req.method} ${req.path.slice(0, 100)} [${req.why}] → ${res.status} ${res.error ?? res.body.slice(0, 200)}`;
  if (res.error) return `connection: ${describe}`;
  if (res.status >= 500) return describe;
  if (/\n\s+at |node_modules|\.ts:\d+|\bFROM interactions\b|INSERT INTO/.test(res.body)) return `leak: ${describe}`;
  const graphql = req.path.startsWith('/graphql');
  if (res.status < 400 && !graphql) return null;
  let body: AnswerBody;
  try {
    body = JSON.parse(res.body);
  } catch {
    return `not JSON: ${describe}`;
  }
  if (graphql && Array.isArray(body.errors)) {
    const problem = graphqlErrorProblem(body.errors);
    return problem ? `${problem}: ${describe}` : null;
  }
  if (res.status < 400) return null;
  if (!body.error || !ERROR_CODES.includes(body.error.code as ErrorCode) || typeof body.error.message !== 'string') {
    return `error shape: ${describe}`;
  }
  return null;
}

/**
 * True when the answer came from the operation's own route: not refused before it (no answer, an unknown key, a
 * parser's 431/414, or the JSON 404 of a path that matched no route).
 */
function reachedRoute(res: FuzzAnswer): boolean {
  if (res.error || [0, 401, 414, 431].includes(res.status)) return false;
  return !(res.status === 404 && res.body.includes('"No route '));
}

/** Runs `total` requests, `concurrency` at a time; the status counts and every failure. */
export async function runFuzz(
  port: number,
  generator: { next(): FuzzRequest },
  total: number,
  concurrency = 8,
): Promise<{ statuses: Map<number, number>; failures: string[]; operationsReached: Set<string> }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  const operationsReached = new Set<string>();
  let sent = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < total) {
        sent += 1;
        const req = generator.next();
        const res = await send(port, agent, req);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const failure = judge(req, res);
        if (failure) failures.push(failure);
        if (req.operation && reachedRoute(res)) operationsReached.add(req.operation);
      }
    }),
  );
  agent.destroy();
  return { statuses, failures, operationsReached };
}
