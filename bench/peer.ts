/**
 * `npm run bench -- --peer postgraphile` (issue 16, "A peer in the bench"): PostGraphile 4 on the bench's database
 * beside the service, the same reads and creates sent to both as GraphQL (creates to ours over REST too), in
 * alternating rounds with the bench's load generator, compared by the median of the per-pair ratios of req/s.
 * Before any load, both answer the same questions and must return the same rows (checkPeerEquivalence). The
 * queries side by side, and what differs: docs/benchmarks.md, "The PostGraphile peer"; the choices: ADR 105.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { startCpuMeter, type CpuUse } from './cpu';
import { isoDay, type Samples } from './dataset';
import { driveScenario } from './load';
import { freePort, startProcess, type ServerProcess } from './server';
import { GRAPHQL_LIST, type BenchRequest, type Scenario } from './scenarios';
import { median, percentile } from './stats';

/** The peers `--peer` accepts. */
export const PEERS = ['postgraphile'] as const;
export type Peer = (typeof PEERS)[number];

/** The peer comparison's scenarios (names `--scenarios` accepts with `--peer`), in the order they run. */
export const PEER_SCENARIOS = ['peer-get-by-id', 'peer-list-by-resource', 'peer-list-50-action', 'peer-create'];

/** Issue 16's connections: 32 for the reads, 64 for the creates (the original measurement's). */
export const PEER_READ_CONNECTIONS = 32;
export const PEER_CREATE_CONNECTIONS = 64;

/** A peer process on the bench's database: started and stopped as the service is. */
export type PeerProcess = ServerProcess;

/** What the peer side needs of the loaded data: lookup ids by mnemonic (their queries and inserts take ids). */
export interface PeerLookups {
  resourceTypes: Map<string, string>;
  actions: Map<string, string>;
  origins: Map<string, string>;
}

export async function peerLookups(url: string): Promise<PeerLookups> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const of = async (table: string) =>
      new Map(
        (await client.query<{ id: string; mnemonic: string }>(`SELECT id, mnemonic FROM ${table}`)).rows.map((row) => [
          row.mnemonic,
          row.id,
        ]),
      );
    return { resourceTypes: await of('resource_types'), actions: await of('actions'), origins: await of('origins') };
  } finally {
    await client.end();
  }
}

/**
 * Starts PostGraphile 4 (bench/postgraphile-server.ts) on `databaseUrl` as its own process with V8's defaults, as
 * its CLI runs; waits until it answers a query (its schema built from the database's introspection).
 */
export async function startPostGraphile(databaseUrl: string): Promise<PeerProcess> {
  const port = await freePort();
  return startProcess(
    'PostGraphile',
    ['-r', 'ts-node/register/transpile-only', path.join('bench', 'postgraphile-server.ts')],
    {
      cwd: path.resolve(__dirname, '..'),
      env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'production', DATABASE_URL: databaseUrl, PORT: String(port) },
      port,
      ready: async (url) =>
        (
          await fetch(`${url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: '{ __typename }' }),
          })
        ).ok,
      killAfterMs: 10_000,
    },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The queries, pair by pair. Every read selects the same fields on both sides: the row's id, number, resourceId,
// uowId and createdDate, and the mnemonic, name, icon and colours of its resource type, action and origin.

const LOOKUP_FIELDS = 'mnemonic name icon fontColorHex bgColorHex';
const OUR_ITEM = `id interactionNumber resourceId uowId createdDate
      resourceType { ${LOOKUP_FIELDS} } action { ${LOOKUP_FIELDS} } origin { ${LOOKUP_FIELDS} }`;
const THEIR_ITEM = `id interactionNumber resourceId uowId createdDate
      resourceTypeByResourceTypeId { ${LOOKUP_FIELDS} } actionByActionId { ${LOOKUP_FIELDS} }
      originByOriginId { ${LOOKUP_FIELDS} }`;

export const OUR_GET = `query PeerGet($id: ID!) { interaction(id: $id) { ${OUR_ITEM} } }`;
/** (id, created_date) is the partitioned table's key: by id alone it is a condition, as ours is `WHERE id = $1`. */
export const THEIR_GET = `query PeerGet($id: UUID!) {
  allInteractions(condition: { id: $id }, first: 1) { nodes { ${THEIR_ITEM} } }
}`;
/** Ours: the bench's GRAPHQL_LIST (50 items and the total), with a resourceId or action + startDate filter. */
export const OUR_LIST = GRAPHQL_LIST;
export const THEIR_LIST_BY_RESOURCE = `query PeerListByResource($resourceId: String!) {
  allInteractions(condition: { resourceId: $resourceId }, orderBy: [CREATED_DATE_DESC, INTERACTION_NUMBER_DESC],
    first: 50) { totalCount nodes { ${THEIR_ITEM} } }
}`;
export const THEIR_LIST_BY_ACTION = `query PeerListByAction($actionId: UUID!, $since: Datetime!) {
  allInteractions(filter: { actionId: { equalTo: $actionId }, createdDate: { greaterThanOrEqualTo: $since } },
    orderBy: [CREATED_DATE_DESC, INTERACTION_NUMBER_DESC], first: 50) { totalCount nodes { ${THEIR_ITEM} } }
}`;
export const OUR_CREATE = `mutation PeerCreate($input: CreateInteractionInput!) {
  createInteraction(input: $input) { id interactionNumber uowId createdDate }
}`;
/**
 * Their generated mutation with the same fields, and what our service fills itself: a UUID v7 id, created_date its
 * time (as ours, ADR 030), a fresh uow_id. interaction_number and feed_xid take the columns' defaults.
 */
export const THEIR_CREATE = `mutation PeerCreate($row: InteractionInput!) {
  createInteraction(input: { interaction: $row }) { interaction { id interactionNumber uowId createdDate } }
}`;

/** The start of the UTC day `daysAgo` days back, as our `startDate: <ISO date>` means it. */
const dayStart = (daysAgo: number) => `${isoDay(daysAgo)}T00:00:00.000Z`;

const pick = <T>(values: readonly T[]): T => values[Math.floor(Math.random() * values.length)];

const graphql = (query: string, variables: Record<string, unknown>, headers?: Record<string, string>) => ({
  method: 'POST' as const,
  path: '/graphql',
  body: JSON.stringify({ query, variables }),
  ...(headers ? { headers } : {}),
});

/** One side of a comparison: which process answers, and the load it gets. */
interface Side {
  name: string;
  who: 'ours' | 'theirs';
  scenario: Scenario;
}

interface PeerComparison {
  name: string;
  description: string;
  sides: Side[];
}

export interface PeerContext {
  samples: Samples;
  lookups: PeerLookups;
  /** user_id of the rows a side writes (counted and deleted by the bench afterwards). */
  marker: (scenario: string) => string;
}

function scenario(name: string, description: string, connections: number, next: () => BenchRequest): Scenario {
  return { name, description, connections, next };
}

/** Ours' and theirs' create inputs of one interaction (their side writes what ours would). */
export function createInputs({ samples, lookups }: Omit<PeerContext, 'marker'>, counter: { n: number }) {
  const fields = () => {
    counter.n += 1;
    return {
      resourceId: `peer-${counter.n}`,
      resourceType: pick(samples.resourceTypes),
      action: pick(samples.actions),
      origin: 'BENCH_ORIGIN_01',
      interaction: { amount: 12.5, step: counter.n },
    };
  };
  return {
    ours: (userId: string) => ({ ...fields(), userId }),
    theirs: (userId: string) => {
      const { resourceType, action, origin, ...rest } = fields();
      const id = uuidv7();
      return {
        ...rest,
        id,
        createdDate: new Date(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toISOString(),
        uowId: randomUUID(),
        userId,
        resourceTypeId: lookups.resourceTypes.get(resourceType)!,
        actionId: lookups.actions.get(action)!,
        originId: lookups.origins.get(origin)!,
      };
    },
  };
}

export function buildPeerComparisons(context: PeerContext): PeerComparison[] {
  const { samples, lookups, marker } = context;
  const counter = { n: 0 };
  const inputs = createInputs(context, counter);
  const read = (
    name: string,
    description: string,
    ours: () => Record<string, unknown>,
    oursQuery: string,
    theirs: () => Record<string, unknown>,
    theirsQuery: string,
  ): PeerComparison => ({
    name,
    description,
    sides: [
      {
        name: 'ours',
        who: 'ours',
        scenario: scenario(name, description, PEER_READ_CONNECTIONS, () => graphql(oursQuery, ours())),
      },
      {
        name: 'theirs',
        who: 'theirs',
        scenario: scenario(name, description, PEER_READ_CONNECTIONS, () => graphql(theirsQuery, theirs())),
      },
    ],
  });
  // Each side draws its own random arguments from the same samples: the same distribution of questions.
  return [
    read(
      'peer-get-by-id',
      'one interaction by id, lookups nested',
      () => ({ id: pick(samples.ids) }),
      OUR_GET,
      () => ({ id: pick(samples.ids) }),
      THEIR_GET,
    ),
    read(
      'peer-list-by-resource',
      'the newest 50 of one resourceId and their total, lookups nested',
      () => ({ filter: { resourceId: pick(samples.resourceIds) } }),
      OUR_LIST,
      () => ({ resourceId: pick(samples.resourceIds) }),
      THEIR_LIST_BY_RESOURCE,
    ),
    read(
      'peer-list-50-action',
      'the newest 50 of one action since the start of the UTC day 7 days ago and their total, lookups nested',
      () => ({ filter: { action: pick(samples.actions), startDate: isoDay(7) } }),
      OUR_LIST,
      () => ({ actionId: lookups.actions.get(pick(samples.actions)), since: dayStart(7) }),
      THEIR_LIST_BY_ACTION,
    ),
    {
      name: 'peer-create',
      description:
        'one interaction per request: our createInteraction and POST /api/interactions, their createInteraction',
      sides: [
        {
          name: 'ours-graphql',
          who: 'ours',
          scenario: scenario('peer-create', 'ours, GraphQL', PEER_CREATE_CONNECTIONS, () =>
            graphql(OUR_CREATE, { input: inputs.ours(marker('peer-create-ours-graphql')) }),
          ),
        },
        {
          name: 'ours-rest',
          who: 'ours',
          scenario: scenario('peer-create', 'ours, REST', PEER_CREATE_CONNECTIONS, () => {
            const { userId, ...body } = inputs.ours('');
            void userId;
            return {
              method: 'POST',
              path: '/api/interactions',
              body: JSON.stringify(body),
              headers: { 'x-userid': marker('peer-create-ours-rest') },
            };
          }),
        },
        {
          name: 'theirs',
          who: 'theirs',
          scenario: scenario('peer-create', 'theirs, GraphQL', PEER_CREATE_CONNECTIONS, () =>
            graphql(THEIR_CREATE, { row: inputs.theirs(marker('peer-create-theirs')) }),
          ),
        },
      ],
    },
  ];
}

/** The user_ids the peer comparison writes under (the bench deletes them afterwards). */
export const peerMarkers = (marker: (scenario: string) => string) => [
  marker('peer-create-ours-graphql'),
  marker('peer-create-ours-rest'),
  marker('peer-create-theirs'),
  marker('peer-check'),
];

// ---------------------------------------------------------------------------------------------------------------
// Equivalence: the same questions to both, the same rows back.

async function ask(url: string, key: string, query: string, variables: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  if (!response.ok || body.errors) {
    throw new Error(`${url}: ${response.status} ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  }
  return body.data;
}

type Lookup = Record<'mnemonic' | 'name' | 'icon' | 'fontColorHex' | 'bgColorHex', string>;
interface OurItem {
  id: string;
  interactionNumber: number;
  resourceId: string;
  uowId: string;
  createdDate: string;
  resourceType: Lookup;
  action: Lookup;
  origin: Lookup;
}
interface TheirItem {
  id: string;
  interactionNumber: string;
  resourceId: string;
  uowId: string;
  createdDate: string;
  resourceTypeByResourceTypeId: Lookup;
  actionByActionId: Lookup;
  originByOriginId: Lookup;
}

/** One row as both sides must agree on it: numbers as text, instants as epoch ms, the lookups' fields. */
const normalOurs = (item: OurItem) => ({
  id: item.id,
  interactionNumber: String(item.interactionNumber),
  resourceId: item.resourceId,
  uowId: item.uowId,
  createdDate: Date.parse(item.createdDate),
  lookups: [item.resourceType, item.action, item.origin],
});
const normalTheirs = (item: TheirItem) => ({
  id: item.id,
  interactionNumber: item.interactionNumber,
  resourceId: item.resourceId,
  uowId: item.uowId,
  createdDate: Date.parse(item.createdDate),
  lookups: [item.resourceTypeByResourceTypeId, item.actionByActionId, item.originByOriginId],
});

export interface EquivalenceResult {
  ok: boolean;
  /** Questions asked of both per pair, and the rows compared. */
  checked: Record<string, { questions: number; rows: number }>;
  mismatches: string[];
}

/**
 * Sends each read pair's question to both for `perPair` random arguments (every action for the action list), and
 * compares the answers row by row (ids, numbers, resourceId, uowId, createdDate, the nested lookups) in order, and
 * the totals; then one create through each side, compared by what the database holds. Any difference: not ok.
 */
export async function checkPeerEquivalence(
  ours: { url: string; key: string },
  theirs: { url: string },
  context: PeerContext & { databaseUrl: string },
  perPair = 10,
): Promise<EquivalenceResult> {
  const { samples, lookups } = context;
  const mismatches: string[] = [];
  const checked: EquivalenceResult['checked'] = {};
  const compare = (
    pair: string,
    question: string,
    a: unknown,
    b: unknown,
    rows: number,
    labels = ['ours', 'theirs'],
  ) => {
    checked[pair] ??= { questions: 0, rows: 0 };
    checked[pair].questions += 1;
    checked[pair].rows += rows;
    const left = canonical(a);
    const right = canonical(b);
    if (left !== right) {
      mismatches.push(`${pair} ${question}: ${labels[0]} ${left.slice(0, 400)} ≠ ${labels[1]} ${right.slice(0, 400)}`);
    }
  };
  const some = <T>(values: T[]) => [...new Set(values)].slice(0, perPair);

  for (const id of some(samples.ids)) {
    const a = (await ask(ours.url, ours.key, OUR_GET, { id })) as { interaction: OurItem };
    const b = (await ask(theirs.url, '', THEIR_GET, { id })) as { allInteractions: { nodes: TheirItem[] } };
    compare('peer-get-by-id', id, [normalOurs(a.interaction)], b.allInteractions.nodes.map(normalTheirs), 1);
  }
  type OurList = { interactions: { items: OurItem[]; pagination: { total: number } } };
  type TheirList = { allInteractions: { totalCount: number; nodes: TheirItem[] } };
  const lists = (a: OurList, b: TheirList) => [
    { total: a.interactions.pagination.total, rows: a.interactions.items.map(normalOurs) },
    { total: b.allInteractions.totalCount, rows: b.allInteractions.nodes.map(normalTheirs) },
  ];
  for (const resourceId of some(samples.resourceIds)) {
    const a = (await ask(ours.url, ours.key, OUR_LIST, { filter: { resourceId } })) as OurList;
    const b = (await ask(theirs.url, '', THEIR_LIST_BY_RESOURCE, { resourceId })) as TheirList;
    const [left, right] = lists(a, b);
    compare('peer-list-by-resource', resourceId, left, right, left.rows.length);
  }
  for (const action of samples.actions) {
    const a = (await ask(ours.url, ours.key, OUR_LIST, { filter: { action, startDate: isoDay(7) } })) as OurList;
    const b = (await ask(theirs.url, '', THEIR_LIST_BY_ACTION, {
      actionId: lookups.actions.get(action),
      since: dayStart(7),
    })) as TheirList;
    const [left, right] = lists(a, b);
    compare('peer-list-50-action', action, left, right, left.rows.length);
    if (left.rows.length === 0) mismatches.push(`peer-list-50-action ${action}: no rows in 7 days (nothing compared)`);
  }

  // Creates: one through each side with the same fields; the rows they leave must agree but for the generated values.
  const marker = context.marker('peer-check');
  const counter = { n: 0 };
  const inputs = createInputs(context, counter);
  const ourInput = inputs.ours(marker);
  const theirInput = inputs.theirs(marker);
  const a = (await ask(ours.url, ours.key, OUR_CREATE, { input: ourInput })) as { createInteraction: { id: string } };
  const b = (await ask(theirs.url, '', THEIR_CREATE, { row: theirInput })) as {
    createInteraction: { interaction: { id: string } };
  };
  const client = new Client({ connectionString: context.databaseUrl });
  await client.connect();
  try {
    const row = async (id: string) =>
      (
        await client.query(
          `SELECT r.mnemonic AS "resourceType", a.mnemonic AS action, o.mnemonic AS origin, i.interaction, i.user_id,
             i.external_reference, i.external_response, i.interaction_timestamp,
             i.created_date = interaction_id_time(i.id) AS "createdFromId", i.interaction_number IS NOT NULL AS numbered,
             i.feed_xid <> '0'::xid8 AS "feedPositioned", i.uow_id IS NOT NULL AS "inUnitOfWork"
           FROM interactions i JOIN resource_types r ON r.id = i.resource_type_id JOIN actions a ON a.id = i.action_id
             JOIN origins o ON o.id = i.origin_id WHERE i.id = $1`,
          [id],
        )
      ).rows[0] as Record<string, unknown> | undefined;
    const ourRow = await row(a.createInteraction.id);
    const theirRow = await row(b.createInteraction.interaction.id);
    // The same fields were drawn independently for each: compare the shape of the rows, then each with its input.
    const expect = (input: { resourceId: string; interaction: unknown }, lookupsOf: Record<string, unknown>) => ({
      ...lookupsOf,
      interaction: input.interaction,
      user_id: marker,
      external_reference: null,
      external_response: null,
      interaction_timestamp: null,
      createdFromId: true,
      numbered: true,
      feedPositioned: true,
      inUnitOfWork: true,
    });
    const mnemonicOf = (map: Map<string, string>, id: string) => [...map].find(([, v]) => v === id)?.[0];
    const asRow = ['row', 'input'];
    compare('peer-create', 'ours', ourRow, expect(ourInput, pickLookups(ourInput)), 1, asRow);
    compare(
      'peer-create',
      'theirs',
      theirRow,
      expect(theirInput, {
        resourceType: mnemonicOf(lookups.resourceTypes, theirInput.resourceTypeId),
        action: mnemonicOf(lookups.actions, theirInput.actionId),
        origin: mnemonicOf(lookups.origins, theirInput.originId),
      }),
      1,
      asRow,
    );
    await client.query('DELETE FROM interactions WHERE user_id = $1', [marker]);
  } finally {
    await client.end();
  }
  return { ok: mismatches.length === 0, checked, mismatches };
}

/** JSON with object keys sorted (jsonb keeps its own key order). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

const pickLookups = (input: { resourceType: string; action: string; origin: string }) => ({
  resourceType: input.resourceType,
  action: input.action,
  origin: input.origin,
});

// ---------------------------------------------------------------------------------------------------------------
// The load: alternating rounds.

export interface SideRun {
  side: string;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number | null; p99: number | null };
  /** Non-2xx answers plus 2xx answers that carry GraphQL `errors`. */
  failed: number;
  errors: number;
  timeouts: number;
  cpu?: CpuUse;
}

export interface PeerScenarioResult {
  description: string;
  connections: number;
  pairs: SideRun[][];
  /** Per side: the median req/s of its rounds; per "ours" side: the median of the per-pair ratios ours ÷ theirs. */
  medians: Record<string, { requestsPerSecond: number | null; serverCpuUsPerRequest: number | null }>;
  ratios: Record<string, { median: number | null; perPair: number[] }>;
}

export interface PeerResult {
  peer: Peer;
  version: string;
  pool: number;
  loadAverage: { atStart: number[]; atEnd: number[] };
  equivalence: EquivalenceResult;
  scenarios: Record<string, PeerScenarioResult>;
}

async function runSide(url: string, key: string, side: Side, pid: number, seconds: number, warmup: number) {
  let failed = 0;
  const latencies: number[] = [];
  const drive = (
    s: number,
    onResponse: (status: number, ms: number) => void,
    onBody?: (status: number, body: string) => void,
  ) => driveScenario({ url, key, scenario: side.scenario, seconds: s, onResponse, onBody });
  if (warmup > 0) await drive(warmup, () => undefined);
  const meter = startCpuMeter(pid);
  const result = await drive(
    seconds,
    (_status, ms) => latencies.push(ms),
    (status, body) => {
      if (status < 200 || status > 299 || body.includes('"errors":')) failed += 1;
    },
  );
  latencies.sort((a, b) => a - b);
  const cpu = meter?.(latencies.length);
  const run: SideRun = {
    side: side.name,
    requests: latencies.length,
    requestsPerSecond: Math.round((latencies.length / (result.duration || seconds)) * 10) / 10,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
    failed,
    errors: result.errors,
    timeouts: result.timeouts,
    ...(cpu ? { cpu } : {}),
  };
  return run;
}

const loadAverage = () => os.loadavg().map((n) => Number(n.toFixed(2)));

/**
 * The comparison: `pairs` rounds of every scenario, the sides in turn (ours first in even rounds, theirs first in
 * odd ones, so the machine's drift falls on both), each with `warmup` unmeasured seconds before its `seconds`.
 */
export async function runPeerComparison(
  servers: { ours: { url: string; pid: number }; theirs: PeerProcess; key: string },
  context: PeerContext & { databaseUrl: string },
  options: { scenarios: string[]; pairs: number; seconds: number; warmup: number; progress: (m: string) => void },
): Promise<PeerResult> {
  const atStart = loadAverage();
  options.progress('peer: checking that both answer with the same rows…');
  const equivalence = await checkPeerEquivalence({ url: servers.ours.url, key: servers.key }, servers.theirs, context);
  if (!equivalence.ok) {
    throw new Error(`the peer's answers differ from ours:\n${equivalence.mismatches.join('\n')}`);
  }
  const scenarios: Record<string, PeerScenarioResult> = {};
  for (const comparison of buildPeerComparisons(context).filter((c) => options.scenarios.includes(c.name))) {
    const pairs: SideRun[][] = [];
    for (let pair = 0; pair < options.pairs; pair += 1) {
      const order = pair % 2 === 0 ? comparison.sides : [...comparison.sides].reverse();
      const runs: SideRun[] = [];
      for (const side of order) {
        const target = side.who === 'ours' ? servers.ours : servers.theirs;
        options.progress(`peer: ${comparison.name} pair ${pair + 1}/${options.pairs}, ${side.name}…`);
        runs.push(await runSide(target.url, servers.key, side, target.pid, options.seconds, options.warmup));
      }
      options.progress(`peer: ${comparison.name} pair ${pair + 1}: ${JSON.stringify(runs.map(summary))}`);
      pairs.push(runs);
    }
    const of = (name: string) => pairs.map((runs) => runs.find((run) => run.side === name)!);
    const medians: PeerScenarioResult['medians'] = {};
    for (const side of comparison.sides) {
      const runs = of(side.name);
      medians[side.name] = {
        requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
        serverCpuUsPerRequest: median(runs.flatMap((run) => run.cpu?.perItemUs?.server ?? [])),
      };
    }
    const ratios: PeerScenarioResult['ratios'] = {};
    const theirs = of('theirs');
    for (const side of comparison.sides.filter((s) => s.who === 'ours')) {
      const perPair = of(side.name).map((run, i) =>
        theirs[i].requestsPerSecond > 0
          ? Math.round((run.requestsPerSecond / theirs[i].requestsPerSecond) * 100) / 100
          : 0,
      );
      ratios[`${side.name} ÷ theirs`] = { median: median(perPair), perPair };
    }
    scenarios[comparison.name] = {
      description: comparison.description,
      connections: comparison.sides[0].scenario.connections,
      pairs,
      medians,
      ratios,
    };
  }
  return {
    peer: 'postgraphile',
    version: postgraphileVersion(),
    pool: 10,
    loadAverage: { atStart, atEnd: loadAverage() },
    equivalence,
    scenarios,
  };
}

const summary = (run: SideRun) => ({
  side: run.side,
  rps: run.requestsPerSecond,
  p50: run.latencyMs.p50,
  p99: run.latencyMs.p99,
  failed: run.failed,
  serverUs: run.cpu?.perItemUs?.server,
});

function postgraphileVersion(): string {
  return (JSON.parse(readFileSync(require.resolve('postgraphile/package.json'), 'utf8')) as { version: string })
    .version;
}
