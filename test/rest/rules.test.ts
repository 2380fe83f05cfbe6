import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import request from 'supertest';
import { COMPONENT_SCHEMAS } from '../../src/rest/openapi.schemas';
import type { JsonSchema, RestRoute } from '../../src/rest/route';
import { REST_ROUTES } from '../../src/rest/routes';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { createLookupRow } from '../helpers/factories';

// Regressions of "one place for every rule" (issue 13): each rule below was written several times and the copies
// disagreed. Every route and resolver now calls the one parser, so the same input gets the same answer everywhere.

let t: TestApp;

// Small body limits (the batch's above the others', as by default), so that a body over every route's limit stays
// small enough to send many times.
const BODY_LIMITS = { MAX_BODY_BYTES: '16384', MAX_BATCH_BODY_BYTES: '32768' };

beforeAll(async () => {
  t = await createTestApp(BODY_LIMITS);
  await createLookupRow(t.database.db, 'resourceType', { mnemonic: 'RULES' });
});
afterAll(() => t.close());

const valid = { resourceId: 'rules-1', resourceType: 'RULES', action: 'CREATE', origin: 'API' };

/** POST /api/interactions of a valid body with this x-interaction-timestamp. */
const createAt = (timestamp: string) =>
  api(t.app, t.keys.write).post('/api/interactions').set('x-interaction-timestamp', timestamp).send(valid);

describe('date ranges: one check for every route', () => {
  const backwards = { startDate: '2024-03-02', endDate: '2024-03-01' };

  it.each([
    ['GET /api/interactions', () => api(t.app, t.keys.read).get('/api/interactions').query(backwards)],
    [
      'GET /api/interactions/timeline',
      () => api(t.app, t.keys.read).get('/api/interactions/timeline').query(backwards),
    ],
    [
      'POST /api/activity',
      () =>
        api(t.app, t.keys.read)
          .post('/api/activity')
          .send({ resources: [{ resourceId: 'rules-1' }], ...backwards }),
    ],
  ])('%s refuses a start after the end with 400 naming startDate', async (_name, send) => {
    const res = await send();
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'startDate' } });
  });

  it('GraphQL activity refuses it too (it used to answer an empty page)', async () => {
    const res = await api(t.app, t.keys.read).graphql(
      `query($input: ActivityInput!) { activity(input: $input) { pagination { total } } }`,
      { input: { resources: [{ resourceId: 'rules-1' }], ...backwards } },
    );
    expect(res.body.data).toBeNull();
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'startDate' } });
  });
});

describe('30 February is not a date anywhere', () => {
  const feb30 = '2026-02-30';
  const feb30Time = '2026-02-30T10:00:00Z';

  it.each([
    ['list startDate', '/api/interactions', { startDate: feb30 }, 'startDate'],
    ['list endDate', '/api/interactions', { endDate: feb30Time }, 'endDate'],
    ['timeline startDate', '/api/interactions/timeline', { startDate: feb30, endDate: '2026-03-05' }, 'startDate'],
    ['timeline endDate', '/api/interactions/timeline', { startDate: '2026-02-01', endDate: feb30Time }, 'endDate'],
  ])('%s → 400 naming it', async (_name, path, query, field) => {
    const res = await api(t.app, t.keys.read).get(path).query(query);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field } });
  });

  it.each(['startDate', 'endDate'])('activity %s → 400 naming it', async (field) => {
    const res = await api(t.app, t.keys.read)
      .post('/api/activity')
      .send({ resources: [{ resourceId: 'rules-1' }], [field]: feb30 });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field } });
  });

  it.each([feb30Time, '2026-04-31T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T10:60:00Z', '2025-02-29T10:00:00Z'])(
    'x-interaction-timestamp %s → 400 (it used to be stored as the next valid day)',
    async (value) => {
      const res = await createAt(value);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'interactionTimestamp' } });
    },
  );

  it('accepts 29 February of a leap year', async () => {
    const res = await createAt('2024-02-29T10:00:00Z');
    expect(res.status).toBe(201);
    expect(res.body.interactionTimestamp).toBe('2024-02-29T10:00:00.000Z');
  });

  it('a batch item with 30 February is named by index', async () => {
    const res = await api(t.app, t.keys.write)
      .post('/api/interactions/batch')
      .send({ interactions: [valid, { ...valid, interactionTimestamp: feb30Time }] });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors).toEqual([
      expect.objectContaining({ index: 1, code: 'VALIDATION_ERROR', details: { field: 'interactionTimestamp' } }),
    ]);
  });

  it('GraphQL refuses it in the list filter and in the create input alike', async () => {
    const list = await api(t.app, t.keys.read).graphql(
      `{ interactions(filter: { startDate: "${feb30}" }) { pagination { total } } }`,
    );
    expect(list.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'startDate' } });
    const create = await api(t.app, t.keys.write).graphql(
      `mutation($input: CreateInteractionInput!) { createInteraction(input: $input) { id } }`,
      { input: { ...valid, interactionTimestamp: feb30Time } },
    );
    expect(create.body.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { field: 'interactionTimestamp' },
    });
  });
});

type Json = Record<string, unknown>;
type Path = (string | number)[];

/** Inputs that carry a date or an instant: `startDate`, `endDate`, `interactionTimestamp`, `x-interaction-timestamp`. */
const DATE_NAME = /(date|timestamp)$/i;

/** A range bound's other end, valid, so that only the bound under test is wrong. */
const OTHER_END: Record<string, [string, string]> = {
  startDate: ['endDate', '2026-03-05'],
  endDate: ['startDate', '2026-02-01'],
};

/** A copy of `root` with `value` at `at` (intermediate objects and arrays made as needed) and its range's other end. */
function setAt(root: Json, at: Path, value: string): Json {
  const copy = structuredClone(root);
  let node = copy as Record<string | number, unknown>;
  at.slice(0, -1).forEach((step, index) => {
    node[step] ??= typeof at[index + 1] === 'number' ? [] : {};
    node = node[step] as Record<string | number, unknown>;
  });
  const key = String(at.at(-1));
  const other = OTHER_END[key];
  if (other && node[other[0]] === undefined) node[other[0]] = other[1];
  node[key] = value;
  return copy;
}

/** The details that name the refused field: the error's own, or those of a batch's first refused item. */
function detailsOf(error: { details?: Json & { errors?: { details?: Json }[] } }): Json | undefined {
  return error.details?.errors?.[0]?.details ?? error.details;
}

/** A component schema with its `$ref` and `allOf` parts resolved (the properties of all of them). */
function resolve(schema: JsonSchema): JsonSchema {
  const ref = schema.$ref as string | undefined;
  const own = ref ? (COMPONENT_SCHEMAS as Record<string, JsonSchema>)[ref.split('/').at(-1) ?? ''] : schema;
  return ((own.allOf as JsonSchema[] | undefined) ?? [])
    .map(resolve)
    .reduce<JsonSchema>(
      (merged, part) => ({ ...merged, properties: { ...(part.properties as Json), ...(merged.properties as Json) } }),
      own,
    );
}

/** The JSON paths of the date fields of a body schema, in objects and in the items of arrays. */
function bodyDatePaths(schema: JsonSchema, at: Path = []): Path[] {
  const resolved = resolve(schema);
  if (resolved.items) return bodyDatePaths(resolved.items as JsonSchema, [...at, 0]);
  return Object.entries((resolved.properties ?? {}) as Record<string, JsonSchema>).flatMap(([name, property]) =>
    DATE_NAME.test(name) ? [[...at, name]] : bodyDatePaths(property, [...at, name]),
  );
}

/** A place of a REST request that takes a date: a query or header parameter, or a field of the body. */
interface RestDateInput {
  name: string;
  route: RestRoute;
  in: 'query' | 'header' | 'body';
  /** The parameter's name, or the field's JSON path in the body. */
  at: Path;
  /** The field an error names. */
  field: string;
}

const routeName = (route: RestRoute) => `${route.method.toUpperCase()} ${route.path}`;

/** Every date input of the REST API, read from the table that also makes the OpenAPI document. */
const REST_DATE_INPUTS: RestDateInput[] = REST_ROUTES.flatMap((route) => [
  ...(route.params ?? [])
    .filter((param) => DATE_NAME.test(param.name) && param.in !== 'path')
    .map((param) => ({
      name: `${routeName(route)} ${param.in} ${param.name}`,
      route,
      in: param.in as 'query' | 'header',
      at: [param.name],
      field: param.field ?? param.name,
    })),
  ...(route.body ? bodyDatePaths(route.body) : []).map((at) => ({
    name: `${routeName(route)} body ${at.join('.')}`,
    route,
    in: 'body' as const,
    at,
    field: String(at.at(-1)),
  })),
]);

/** A valid request of each route that takes a date, for the date under test to be put into. */
const VALID_REQUESTS: Record<string, { query?: Json; body?: Json }> = {
  'GET /api/interactions': {},
  'GET /api/interactions/export': {},
  'GET /api/interactions/stream': {},
  'GET /api/interactions/timeline': {},
  'POST /api/interactions': { body: valid },
  'POST /api/interactions/batch': { body: { interactions: [valid] } },
  'POST /api/activity': { body: { resources: [{ resourceId: 'rules-1' }] } },
};

/** The valid request of the input's route with `value` as the date. */
function sendRest(input: RestDateInput, value: string) {
  const { route } = input;
  const base = VALID_REQUESTS[routeName(route)];
  let req = api(t.app, t.keys[route.scope])[route.method](route.path);
  const query = input.in === 'query' ? setAt(base.query ?? {}, input.at, value) : base.query;
  if (query) req = req.query(query);
  if (input.in === 'header') req = req.set(String(input.at[0]), value);
  const body = input.in === 'body' ? setAt(base.body ?? {}, input.at, value) : base.body;
  return body ? req.send(body) : req;
}

const graphqlSchema = buildSchema(readFileSync(join(__dirname, '../../schema.graphql'), 'utf8'));

/** A date field of a GraphQL operation's arguments. */
interface GraphQLDateInput {
  name: string;
  operation: 'query' | 'mutation';
  root: ReturnType<GraphQLObjectType['getFields']>[string];
  /** The path in the operation's variables. */
  at: Path;
}

/** The paths of the String date fields inside an input type (input objects and lists of them). */
function argumentDatePaths(type: GraphQLInputType, at: Path): Path[] {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return argumentDatePaths(inner.ofType, [...at, 0]);
  if (!isInputObjectType(inner)) return [];
  return Object.values(inner.getFields()).flatMap((field) =>
    DATE_NAME.test(field.name) && getNamedType(field.type).name === 'String'
      ? [[...at, field.name]]
      : argumentDatePaths(field.type, [...at, field.name]),
  );
}

/** Every date input of the GraphQL API, read from the committed schema. */
const GRAPHQL_DATE_INPUTS: GraphQLDateInput[] = (['query', 'mutation'] as const).flatMap((operation) => {
  const type = operation === 'query' ? graphqlSchema.getQueryType() : graphqlSchema.getMutationType();
  return Object.values(type?.getFields() ?? {}).flatMap((root) =>
    root.args
      .flatMap((arg) =>
        DATE_NAME.test(arg.name) && getNamedType(arg.type).name === 'String'
          ? [[arg.name]]
          : argumentDatePaths(arg.type, [arg.name]),
      )
      .map((at) => ({ name: `${operation} ${root.name}(${at.join('.')})`, operation, root, at })),
  );
});

/** Valid variables of each operation that takes a date. */
const VALID_VARIABLES: Record<string, Json> = {
  interactions: {},
  interactionsConnection: {},
  timeline: {},
  activity: { input: { resources: [{ resourceId: 'rules-1' }] } },
  createInteraction: { input: valid },
  createInteractions: { inputs: [valid] },
};

/** The input's operation, with every argument a variable, run with valid variables and `value` as the date. */
function sendGraphQL({ operation, root, at }: GraphQLDateInput, value: string) {
  const definitions = root.args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const args = root.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  return api(t.app, t.keys.admin).graphql(
    `${operation}(${definitions}) { ${root.name}(${args}) { __typename } }`,
    setAt(VALID_VARIABLES[root.name], at, value),
  );
}

describe('every date input, as the OpenAPI table and the GraphQL schema declare them', () => {
  it('finds the date inputs of both APIs, and has a valid request for each', () => {
    expect(REST_DATE_INPUTS.map((input) => input.name)).toEqual(
      expect.arrayContaining([
        'GET /api/interactions/export query startDate',
        'GET /api/interactions/export query endDate',
        'GET /api/interactions/timeline query startDate',
        'POST /api/activity body endDate',
        'POST /api/interactions/batch body interactions.0.interactionTimestamp',
        'POST /api/interactions header x-interaction-timestamp',
      ]),
    );
    expect(GRAPHQL_DATE_INPUTS.map((input) => input.name)).toEqual(
      expect.arrayContaining([
        'query timeline(startDate)',
        'query timeline(endDate)',
        'query activity(input.startDate)',
        'query interactions(filter.endDate)',
        'mutation createInteraction(input.interactionTimestamp)',
        'mutation createInteractions(inputs.0.interactionTimestamp)',
      ]),
    );
    for (const { route } of REST_DATE_INPUTS) expect(Object.keys(VALID_REQUESTS)).toContain(routeName(route));
    for (const { root } of GRAPHQL_DATE_INPUTS) expect(Object.keys(VALID_VARIABLES)).toContain(root.name);
  });

  const feb30 = ['2026-02-30', '2026-02-30T10:00:00Z'];
  const rest = REST_DATE_INPUTS.flatMap((input) => feb30.map((value) => [input.name, value, input] as const));
  const graphql = GRAPHQL_DATE_INPUTS.flatMap((input) => feb30.map((value) => [input.name, value, input] as const));

  it.each(rest)('%s = %s → 400 naming it', async (_name, value, input) => {
    const res = await sendRest(input, value);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(detailsOf(res.body.error)).toMatchObject({ field: input.field });
  });

  it.each(graphql)('GraphQL %s = %s → BAD_USER_INPUT naming it', async (_name, value, input) => {
    const res = await sendGraphQL(input, value);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(detailsOf(res.body.errors[0].extensions)).toMatchObject({ field: String(input.at.at(-1)) });
  });

  it.each(REST_DATE_INPUTS.filter((input) => /timestamp$/i.test(input.field)).map((input) => [input.name, input]))(
    '%s in epoch seconds → 400 saying so',
    async (_name, input) => {
      const res = await sendRest(input, '1732795200');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(detailsOf(res.body.error)).toMatchObject({ field: input.field, unit: 'seconds' });
      expect(JSON.stringify(res.body.error)).toMatch(/epoch seconds.*1732795200000/);
    },
  );

  it.each(GRAPHQL_DATE_INPUTS.filter((input) => /timestamp$/i.test(String(input.at.at(-1)))).map((i) => [i.name, i]))(
    'GraphQL %s in epoch seconds → BAD_USER_INPUT saying so',
    async (_name, input) => {
      const res = await sendGraphQL(input, '1732795200');
      expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(detailsOf(res.body.errors[0].extensions)).toMatchObject({
        field: 'interactionTimestamp',
        unit: 'seconds',
      });
      expect(JSON.stringify(res.body.errors[0])).toMatch(/epoch seconds.*1732795200000/);
    },
  );
});

describe('epoch seconds are refused, not read as milliseconds', () => {
  it('x-interaction-timestamp in seconds → 400 saying so', async () => {
    const res = await createAt('1732795200');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { field: 'interactionTimestamp', unit: 'seconds' },
    });
    expect(res.body.error.message).toMatch(/epoch seconds.*1732795200000/);
  });

  it('the same instant in milliseconds is stored', async () => {
    const res = await createAt('1732795200000');
    expect(res.status).toBe(201);
    expect(res.body.interactionTimestamp).toBe('2024-11-28T12:00:00.000Z');
  });
});

describe('the create body: every string field named in details', () => {
  const STRING_FIELDS = [
    'resourceId',
    'resourceType',
    'resourceTypeId',
    'action',
    'actionId',
    'origin',
    'originId',
    'externalReference',
  ] as const;

  it('{} → 400 naming resourceId, with no GraphQL text', async () => {
    const res = await api(t.app, t.keys.write).post('/api/interactions').send({});
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'VALIDATION_ERROR',
      message: 'resourceId is required',
      details: { field: 'resourceId' },
    });
  });

  it.each(STRING_FIELDS)('a number in %s → 400 naming it', async (field) => {
    const res = await api(t.app, t.keys.write)
      .post('/api/interactions')
      .send({ ...valid, [field]: 42 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.details.field).toBe(field);
    expect(res.body.error.message).not.toMatch(/Variable|\$input|GraphQL|undefined/);
  });

  it.each(STRING_FIELDS)('an object ({}) in %s → 400 naming it', async (field) => {
    const res = await api(t.app, t.keys.write)
      .post('/api/interactions')
      .send({ ...valid, [field]: {} });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.details.field).toBe(field);
    expect(res.body.error.message).not.toMatch(/Variable|\$input|GraphQL|undefined|\[object Object\]/);
  });

  it('null in resourceId → 400 naming it', async () => {
    const res = await api(t.app, t.keys.write)
      .post('/api/interactions')
      .send({ ...valid, resourceId: null });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'resourceId' } });
  });

  it.each(['resourceType', 'action', 'origin'] as const)(
    'null in %s with no id beside it → 400 naming it (null is "not given")',
    async (field) => {
      const res = await api(t.app, t.keys.write)
        .post('/api/interactions')
        .send({ ...valid, [field]: null });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field } });
    },
  );

  it.each(['resourceTypeId', 'actionId', 'originId', 'externalReference'] as const)(
    'null in the optional %s is "not given": 201',
    async (field) => {
      const res = await api(t.app, t.keys.write)
        .post('/api/interactions')
        .send({ ...valid, [field]: null });
      expect(res.status).toBe(201);
    },
  );

  it('several bad fields are all named in details.issues', async () => {
    const res = await api(t.app, t.keys.write).post('/api/interactions').send({ resourceId: 7, action: false });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues.map((issue: { field: string }) => issue.field).sort()).toEqual([
      'action',
      'resourceId',
    ]);
  });
});

describe('the key is checked before the body is read, on every write route', () => {
  const writeRoutes = REST_ROUTES.filter((route) => route.method !== 'get');
  // Over every route's limit (the batch's is the largest), so that a key allowed to send it would get 413.
  const huge = () => JSON.stringify({ blob: 'x'.repeat(Math.max(t.config.maxBodyBytes, t.config.maxBatchBodyBytes)) });
  const lacking = (scope: string) => (scope === 'write' ? t.keys.read : scope === 'read' ? t.keys.write : t.keys.read);
  const pathOf = (path: string) => path.replace(/:\w+/g, '00000000-0000-7000-8000-000000000001');

  describe.each(writeRoutes.map((route) => ({ route, name: `${route.method.toUpperCase()} ${route.path}` })))(
    '$name',
    ({ route }) => {
      const send = (key: string | null, body: string) => {
        const req = request(t.app)[route.method](pathOf(route.path)).set('content-type', 'application/json');
        if (key) req.set('x-api-key', key);
        return req.send(body);
      };

      it('no key, malformed JSON → 401', async () => {
        const res = await send(null, '{"resourceId":');
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('UNAUTHENTICATED');
      });

      it('no key, a body over the route’s limit → 401, not 413', async () => {
        const res = await send(null, huge());
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('UNAUTHENTICATED');
      });

      it('key without the scope, malformed JSON → 403, not 400', async () => {
        const res = await send(lacking(route.scope), '{"resourceId":');
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      });

      it('key without the scope, a body over the route’s limit → 403, not 413', async () => {
        const res = await send(lacking(route.scope), huge());
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      });

      // The control: the same bodies from a key with the scope are read, and refused for what they are.
      if (route.body) {
        const allowed = () => t.keys[route.scope];

        it('key with the scope, malformed JSON → 400 naming the body', async () => {
          const res = await send(allowed(), '{"resourceId":');
          expect(res.status).toBe(400);
          expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'body' } });
        });

        it('key with the scope, a body over the route’s limit → 413', async () => {
          const res = await send(allowed(), huge());
          expect(res.status).toBe(413);
          expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
        });
      }
    },
  );
});

describe('POST /graphql: the key before the body, the scope before the operation runs', () => {
  const graphql = (key: string | null, body: string) => {
    const req = request(t.app).post('/graphql').set('content-type', 'application/json');
    if (key) req.set('x-api-key', key);
    return req.send(body);
  };
  const huge = () => JSON.stringify({ query: '{ me { name } }', blob: 'x'.repeat(t.config.maxBodyBytes) });
  const mutation = JSON.stringify({ query: 'mutation { refreshTimeline { durationMs } }' });

  it('no key, malformed JSON → 401', async () => {
    const res = await graphql(null, '{"query":');
    expect(res.status).toBe(401);
    expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('no key, a body over the limit → 401, not 413', async () => {
    const res = await graphql(null, huge());
    expect(res.status).toBe(401);
    expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('a read key, a mutation → 403, and nothing runs', async () => {
    const res = await graphql(t.keys.read, mutation);
    expect(res.status).toBe(403);
    expect(res.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(res.body.data ?? null).toBeNull();
  });

  // The controls: with a key the same bodies are read, and refused for what they are.
  it('a read key, malformed JSON → 400 naming the body', async () => {
    const res = await graphql(t.keys.read, '{"query":');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'body' } });
  });

  it('a read key, a body over the limit → 413', async () => {
    const res = await graphql(t.keys.read, huge());
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('an admin key, the same mutation → 200', async () => {
    const res = await graphql(t.keys.admin, mutation);
    expect(res.status).toBe(200);
    expect(res.body.data.refreshTimeline.durationMs).toEqual(expect.any(Number));
  });
});

describe('every 400 names a field', () => {
  const create = () => api(t.app, t.keys.write).post('/api/interactions').set('content-type', 'application/json');

  it('a body that is not valid JSON names the body', async () => {
    const res = await create().send('{"resourceId":');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'body' } });
  });

  it('a body that could not be read (unsupported charset) names the body', async () => {
    const res = await create().set('content-type', 'application/json; charset=klingon').send(JSON.stringify(valid));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'body' } });
  });

  it.each([
    ['an array', '[{"resourceId":"r"}]'],
    ['a string', '"resourceId"'],
    ['a number', '42'],
    ['null', 'null'],
  ])('a body that is %s, not an object, names the body', async (_name, body) => {
    const res = await create().send(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'body' } });
  });

  it('no JSON body at all names the body', async () => {
    const res = await create().set('content-type', 'text/plain').send('resourceId=r');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'body' } });
  });

  it('an API key name of only spaces (it passes minLength) names name', async () => {
    const res = await api(t.app, t.keys.admin)
      .post('/api/keys')
      .send({ name: '   ', scopes: ['read'] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'name' } });
  });

  it.each([
    ['an unknown scope in the string form', 'read,bogus', ['bogus']],
    ['only separators in the string form', ' , ', []],
  ])('%s names scopes and lists the unknown ones', async (_name, scopes, unknownScopes) => {
    const res = await api(t.app, t.keys.admin).post('/api/keys').send({ name: 'rules', scopes });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'scopes', unknownScopes } });
  });

  it('GraphQL: an unknown scope names scopes', async () => {
    const res = await api(t.app, t.keys.admin).graphql(
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`,
      { input: { name: 'rules', scopes: ['read', 'bogus'] } },
    );
    expect(res.body.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { field: 'scopes', unknownScopes: ['bogus'] },
    });
  });
});
