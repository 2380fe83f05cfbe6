/**
 * `npm run bench`: loads a generated data set into a bench database, starts the service as its own process on
 * it, drives each scenario over HTTP with autocannon, measures raw-driver baselines on the same database, and
 * prints ONE JSON document (progress goes to stderr). See docs/benchmarks.md.
 */
import { BENCH_DB_LIMITS } from './db-limits';
import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type Database, type SqlExecutor } from '../src/db/database';
import { migrate } from '../src/db/migrator';
import { refreshTimeline } from '../src/timeline/timeline.refresh';
import { processTree, startCpuMeter, type CpuUse } from './cpu';
import { bracket, singleRowBaseline, unnestBaseline, type BaselineResult, type BracketedBaseline } from './baselines';
import { DEFAULT_DATASET, loadDataset, sampleKeys } from './dataset';
import { comparePrismaAndRaw, type PrismaComparison } from './prisma';
import { driveScenario } from './load';
import { percentile } from './stats';
import { buildScenarios, type BenchRequest, type Scenario } from './scenarios';
import { MEMORY_SCENARIO, runReadMemory, type MemoryResult } from './memory';
import { CHECKPOINT_SCENARIO, runCheckpointThroughput, type CheckpointThroughputResult } from './checkpoints';
import {
  FEED_LATENCY_SCENARIOS,
  FEED_SCENARIOS,
  FEED_THROUGHPUT_SCENARIO,
  runFeedLatency,
  runFeedThroughput,
  type FeedLatencyResult,
  type FeedThroughputResult,
} from './feed';
import { SERVER_NODE_OPTIONS, startServer, treeMemoryOf, type ServerProcess } from './server';
import {
  PEER_SCENARIOS,
  PEERS,
  peerLookups,
  peerMarkers,
  runPeerComparison,
  startPostGraphile,
  type Peer,
  type PeerResult,
} from './peer';

interface Options {
  rows: number;
  duration: number;
  warmup: number;
  scenarios: string[] | null;
  pglite: boolean;
  keep: boolean;
  readConnections: number;
  batchSize: number;
  adminUrl: string;
  database: string;
  /** Checkout whose src/main.ts is served (default: this one); compares versions on the same data. */
  serverDir: string | null;
  /** WEB_CONCURRENCY of the service (its worker processes, ADR 106); 1: one process, as without the option. */
  webConcurrency: number;
  /** Times the hot-path queries through Prisma and through the raw pool (bench/prisma.ts), PostgreSQL only. */
  prismaComparison: boolean;
  /** Seconds of the 100-connection read load of the memory scenario (bench/memory.ts). */
  memorySeconds: number;
  /** Seconds of writes of each feed latency scenario (bench/feed.ts). */
  feedSeconds: number;
  /** Single creates per second of the feed latency scenarios. */
  feedRate: number;
  /** Pairs of rounds (without, with subscribers) of the feed throughput scenario. */
  feedPairs: number;
  /** A peer to compare with (bench/peer.ts): its scenarios are then the default set. PostgreSQL only. */
  peer: Peer | null;
  /** Alternating pairs of rounds (ours, theirs) of each peer scenario. */
  peerPairs: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    rows: 1_000_000,
    duration: 10,
    warmup: 3,
    scenarios: null,
    pglite: false,
    keep: false,
    readConnections: 4,
    batchSize: 1000,
    adminUrl: process.env.BENCH_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    database: process.env.BENCH_DATABASE ?? 'bench_run',
    serverDir: null,
    webConcurrency: 1,
    prismaComparison: false,
    memorySeconds: 60,
    feedSeconds: 20,
    feedRate: 200,
    feedPairs: 2,
    peer: null,
    peerPairs: 3,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    const int = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer`);
      return n;
    };
    switch (flag) {
      case '--rows':
        options.rows = int();
        break;
      case '--duration':
        options.duration = int();
        break;
      case '--scenarios':
        options.scenarios = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case '--warmup':
        options.warmup = Number(value());
        if (!Number.isInteger(options.warmup) || options.warmup < 0) throw new Error('--warmup needs an integer ≥ 0');
        break;
      case '--read-connections':
        options.readConnections = int();
        break;
      case '--batch-size':
        options.batchSize = int();
        break;
      case '--pglite':
        options.pglite = true;
        break;
      case '--server-dir':
        options.serverDir = path.resolve(value());
        break;
      case '--web-concurrency':
        options.webConcurrency = int();
        break;
      case '--keep':
        options.keep = true;
        break;
      case '--memory-seconds':
        options.memorySeconds = int();
        break;
      case '--feed-seconds':
        options.feedSeconds = int();
        break;
      case '--feed-rate':
        options.feedRate = int();
        break;
      case '--feed-pairs':
        options.feedPairs = int();
        break;
      case '--peer': {
        const peer = value();
        if (!PEERS.includes(peer as Peer)) throw new Error(`--peer takes one of ${PEERS.join(', ')}`);
        options.peer = peer as Peer;
        break;
      }
      case '--peer-pairs':
        options.peerPairs = int();
        break;
      case '--prisma-comparison':
        options.prismaComparison = true;
        break;
      default:
        throw new Error(`unknown option ${argv[i]} (see docs/benchmarks.md)`);
    }
  }
  if (options.peer && options.pglite) throw new Error('--peer needs PostgreSQL (the peer cannot open PGlite)');
  if (options.peer && !options.scenarios) options.scenarios = [...PEER_SCENARIOS];
  if (!options.peer && options.scenarios?.some((name) => PEER_SCENARIOS.includes(name))) {
    throw new Error(`${PEER_SCENARIOS.join(', ')} need --peer`);
  }
  return options;
}

const progress = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Prepares the bench database (create + migrate + load, or reuse with --keep); returns how it went. */
async function preparePostgres(
  options: Options,
): Promise<{ url: string; reused: boolean; seconds: Record<string, number> }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(options.database)) throw new Error('BENCH_DATABASE must be a plain identifier');
  const url = withDatabase(options.adminUrl, options.database);
  const marker = `interactions bench rows=${options.rows}`;
  const admin = new Client({ connectionString: options.adminUrl });
  await admin.connect();
  try {
    const [existing] = (
      await admin.query<{ comment: string | null }>(
        `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
        [options.database],
      )
    ).rows;
    if (options.keep && existing?.comment === marker) return { url, reused: true, seconds: {} };
    await admin.query(`DROP DATABASE IF EXISTS ${options.database} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${options.database}`);
  } finally {
    await admin.end();
  }
  const db = await openDatabase({ kind: 'postgres', limits: BENCH_DB_LIMITS, url, poolSize: 2 });
  let seconds: Record<string, number>;
  try {
    seconds = await load(db, options);
  } finally {
    await db.close();
  }
  const done = new Client({ connectionString: options.adminUrl });
  await done.connect();
  await done.query(`COMMENT ON DATABASE ${options.database} IS '${marker}'`);
  await done.end();
  return { url, reused: false, seconds };
}

async function load(db: Database, options: Options): Promise<Record<string, number>> {
  const started = Date.now();
  await migrate(db);
  progress(`loading ${options.rows} interactions…`);
  const seconds = await db.transaction((tx) => loadDataset(tx, { ...DEFAULT_DATASET, rows: options.rows }));
  // Sets the visibility map, so the filtered counts can be index-only scans as on a table autovacuum has visited.
  const vacuumStarted = Date.now();
  await db.sql.exec('VACUUM ANALYZE interactions');
  seconds.vacuum = (Date.now() - vacuumStarted) / 1000;
  seconds.total = (Date.now() - started) / 1000;
  progress(`loaded in ${seconds.total.toFixed(1)} s ${JSON.stringify(seconds)}`);
  return seconds;
}

/** The PGlite data directory (reused with --keep when it holds the same number of rows). */
async function preparePGlite(
  options: Options,
): Promise<{ dataDir: string; reused: boolean; seconds: Record<string, number> }> {
  const dataDir = path.resolve(__dirname, '..', '.bench', 'pglite');
  const metaFile = path.join(dataDir, '..', 'pglite-meta.json');
  if (options.keep && existsSync(metaFile) && JSON.parse(readFileSync(metaFile, 'utf8')).rows === options.rows) {
    return { dataDir, reused: true, seconds: {} };
  }
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(metaFile, { force: true });
  mkdirSync(dataDir, { recursive: true });
  const db = await openDatabase({ kind: 'pglite', dataDir });
  try {
    const seconds = await load(db, options);
    writeFileSync(metaFile, JSON.stringify({ rows: options.rows }));
    return { dataDir, reused: false, seconds };
  } finally {
    await db.close();
  }
}

interface ScenarioResult {
  status: 'ok' | 'skipped';
  reason?: string;
  description: string;
  connections: number;
  requests?: number;
  requestsPerSecond?: number;
  itemsPerSecond?: number;
  latencyMs?: { p50: number | null; p95: number | null; p99: number | null; max: number | null };
  non2xx?: number;
  errors?: number;
  timeouts?: number;
  statusCodes?: Record<string, number>;
  peakRssMb?: number | null;
  /** CPU time of the service, PostgreSQL and this process during the measured run (per item: per row or request). */
  cpu?: CpuUse;
  acknowledged?: number;
  acknowledgedInWarmup?: number;
  baseline?: string;
  ratioToBaseline?: number;
}

/** One request before the load: a route another branch has not delivered answers 404 "No route …". */
async function probe(server: ServerProcess, key: string, request: BenchRequest): Promise<string | null> {
  const response = await fetch(`${server.url}${request.path}`, {
    method: request.method,
    headers: { 'x-api-key': key, 'content-type': 'application/json', ...request.headers, 'x-userid': 'bench-probe' },
    body: request.body,
  });
  const text = await response.text();
  const route = `${request.method} ${request.path.split('?')[0]}`;
  if (response.status === 404 && /"code":"NOT_FOUND","message":"No route/.test(text)) {
    return `route absent: ${route} answers 404 No route`;
  }
  // Without its own route, /api/interactions/timeline falls to /api/interactions/:id, which refuses "timeline".
  if (
    response.status === 400 &&
    /"message":"id must be a UUID"/.test(text) &&
    !/[0-9a-f-]{36}(\?|$)/.test(request.path)
  ) {
    return `route absent: ${route} is taken by /api/interactions/:id (400 id must be a UUID)`;
  }
  if (response.status >= 400) progress(`probe of ${request.path} answered ${response.status}: ${text.slice(0, 300)}`);
  return null;
}

async function runScenario(
  server: ServerProcess,
  key: string,
  scenario: Scenario,
  duration: number,
  warmup: number,
): Promise<ScenarioResult> {
  const base = { description: scenario.description, connections: scenario.connections };
  const skip = await probe(server, key, scenario.next());
  if (skip) return { status: 'skipped', reason: skip, ...base };

  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let peakRss = 0;
  // The service's processes (its workers with --web-concurrency), found once: sampling reads only their /proc files.
  const pids = processTree(server.pid);
  const sampler = setInterval(() => {
    const memory = treeMemoryOf(pids);
    if (memory) peakRss = Math.max(peakRss, memory.rssMb);
  }, 100);
  const drive = (seconds: number, onResponse: (statusCode: number, responseTime: number) => void) =>
    driveScenario({ url: server.url, key, scenario, seconds, onResponse });
  // Unmeasured warm-up (JIT, pools, caches); its acknowledged creates are counted too, for the presence check.
  let warmupCreated = 0;
  if (warmup > 0) {
    await drive(warmup, (statusCode) => {
      if (statusCode === 201) warmupCreated += 1;
    });
  }
  const cpuMeter = startCpuMeter(server.pid);
  const result = await drive(duration, (statusCode, responseTime) => {
    latencies.push(responseTime);
    statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
  });
  clearInterval(sampler);
  const memory = treeMemoryOf(pids);
  if (memory) peakRss = Math.max(peakRss, memory.rssMb);

  latencies.sort((a, b) => a - b);
  const seconds = result.duration || duration;
  const ok = Object.entries(statusCodes)
    .filter(([code]) => code.startsWith('2'))
    .reduce((sum, [, count]) => sum + count, 0);
  const acknowledged = statusCodes['201'] ?? 0;
  const cpu = cpuMeter?.(scenario.write ? acknowledged * scenario.write.itemsPerRequest : latencies.length);
  return {
    status: 'ok',
    ...base,
    requests: latencies.length,
    requestsPerSecond: Math.round((latencies.length / seconds) * 10) / 10,
    ...(scenario.write
      ? { itemsPerSecond: Math.round((acknowledged * scenario.write.itemsPerRequest) / seconds) }
      : {}),
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
    },
    non2xx: latencies.length - ok,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    peakRssMb: peakRss || null,
    ...(cpu ? { cpu } : {}),
    ...(scenario.write
      ? {
          acknowledged: acknowledged * scenario.write.itemsPerRequest,
          acknowledgedInWarmup: warmupCreated * scenario.write.itemsPerRequest,
        }
      : {}),
  };
}

/**
 * The interactions table's size before the scenarios write anything: heap (with TOAST) and indexes over every
 * partition, in bytes, and the number of partitions. Written rows and their deletion afterwards leave bloat, so this
 * is the size of the loaded data set.
 */
async function interactionSizes(sql: SqlExecutor) {
  const [row] = await sql.query<{ table: string; indexes: string; partitions: number }>(
    `SELECT coalesce(sum(pg_table_size(c.oid)), 0)::text AS table, coalesce(sum(pg_indexes_size(c.oid)), 0)::text AS indexes,
       count(*)::int AS partitions
     FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'interactions'::regclass`,
  );
  return { tableBytes: Number(row.table), indexBytes: Number(row.indexes), partitions: row.partitions };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const runId = randomBytes(4).toString('hex');
  const marker = (scenario: string) => `bench-${runId}-${scenario}`;
  const startedAt = new Date();
  const loadAtStart = os.loadavg().map((n) => Number(n.toFixed(2)));
  const adminKey = `bench-admin-${randomBytes(16).toString('hex')}`;

  const prepared = options.pglite ? await preparePGlite(options) : await preparePostgres(options);
  const openBenchDb = () =>
    options.pglite
      ? openDatabase({ kind: 'pglite', dataDir: (prepared as { dataDir: string }).dataDir })
      : openDatabase({
          kind: 'postgres',
          limits: BENCH_DB_LIMITS,
          url: (prepared as { url: string }).url,
          poolSize: 2,
        });

  // Keys before the server starts: PGlite admits one process at a time.
  let db = await openBenchDb();
  const sizes = await interactionSizes(db.sql);
  const samples = await sampleKeys(db.sql);
  const lookupIds = async (table: string, mnemonics: string[]) =>
    (await db.sql.query<{ id: string }>(`SELECT id FROM ${table} WHERE mnemonic = ANY($1::text[])`, [mnemonics])).map(
      (row) => row.id,
    );
  const lookups = {
    resourceTypeIds: await lookupIds('resource_types', samples.resourceTypes),
    actionIds: await lookupIds('actions', samples.actions),
    originId: (await lookupIds('origins', ['BENCH_ORIGIN_01']))[0],
  };
  await db.close();

  const scenarios = buildScenarios({
    samples,
    marker,
    readConnections: options.readConnections,
    batchSize: options.batchSize,
  }).filter((s) => !options.scenarios || options.scenarios.includes(s.name));
  const runMemory = !options.scenarios || options.scenarios.includes(MEMORY_SCENARIO);
  const feedScenarios = FEED_SCENARIOS.filter((name) => !options.scenarios || options.scenarios.includes(name));
  const runCheckpoints = !options.scenarios || options.scenarios.includes(CHECKPOINT_SCENARIO);
  if (options.scenarios) {
    const unknown = options.scenarios.filter(
      (name) =>
        name !== MEMORY_SCENARIO &&
        name !== CHECKPOINT_SCENARIO &&
        !PEER_SCENARIOS.includes(name) &&
        !FEED_SCENARIOS.includes(name) &&
        !scenarios.some((s) => s.name === name),
    );
    if (unknown.length) throw new Error(`unknown scenario(s) ${unknown.join(', ')}`);
  }

  // Raw-driver baselines run with the service up (idle), right before AND right after their scenario, so that what
  // changes in between (the table growing, autovacuum, the machine's other load) falls on both sides of the ratio.
  const baselines: Record<string, BracketedBaseline | { status: 'skipped'; reason: string }> = {};
  const runBaseline = async (name: 'singleRowInsert' | 'unnestBatch', when: string): Promise<BaselineResult> => {
    const url = (prepared as { url: string }).url;
    progress(`baseline ${name} (${when})…`);
    const result =
      name === 'singleRowInsert'
        ? await singleRowBaseline(url, {
            concurrency: 64,
            seconds: options.duration,
            lookups,
            userId: marker('baseline'),
          })
        : await unnestBaseline(url, {
            concurrency: 4,
            seconds: options.duration,
            batchSize: options.batchSize,
            lookups,
            userId: marker('baseline'),
          });
    progress(`baseline ${name} (${when}): ${JSON.stringify(result)}`);
    return result;
  };

  let prismaComparison: PrismaComparison | { status: 'skipped'; reason: string } | undefined;
  if (options.prismaComparison) {
    progress('prisma comparison…');
    prismaComparison = options.pglite
      ? { status: 'skipped', reason: 'PostgreSQL only (it shares a pg pool between Prisma and raw SQL)' }
      : await comparePrismaAndRaw((prepared as { url: string }).url, {
          seconds: options.duration,
          concurrency: options.readConnections,
          samples,
          userId: marker('prisma'),
        });
  }

  progress('starting the service…');
  const serverEnv = {
    ADMIN_API_KEY: adminKey,
    // Sealing is measured by its own scenario (checkpoint-write-throughput): elsewhere it would first seal the whole
    // loaded table, inside whichever scenario came first.
    CHECKPOINT_SECONDS: '0',
    ...(options.webConcurrency > 1 ? { WEB_CONCURRENCY: String(options.webConcurrency) } : {}),
    ...(options.pglite
      ? { DATA_DIR: (prepared as { dataDir: string }).dataDir, DATABASE_URL: '' }
      : { DATABASE_URL: (prepared as { url: string }).url }),
  };
  const server = await startServer(serverEnv, options.serverDir ?? undefined);
  const results: Record<string, ScenarioResult> = {};
  let peer: PeerResult | undefined;
  const serverInfo: { vmHwmMb: number | null; exitCode: number | null } = { vmHwmMb: null, exitCode: null };
  try {
    for (const scenario of scenarios) {
      const baselineName = scenario.write?.baseline;
      const before = baselineName && !options.pglite ? await runBaseline(baselineName, 'before') : null;
      progress(`scenario ${scenario.name} (${options.duration} s, ${scenario.connections} connections)…`);
      const result = await runScenario(server, adminKey, scenario, options.duration, options.warmup);
      if (baselineName && options.pglite) {
        baselines[baselineName] = {
          status: 'skipped',
          reason: 'PGlite admits one connection; raw-driver baselines need PostgreSQL',
        };
      } else if (baselineName && before && result.status === 'ok') {
        const after = await runBaseline(baselineName, 'after');
        const baseline = bracket(before, after);
        baselines[baselineName] = baseline;
        result.baseline = baselineName;
        if (baseline.rowsPerSecond > 0) {
          result.ratioToBaseline = Math.round(((result.itemsPerSecond ?? 0) / baseline.rowsPerSecond) * 100) / 100;
        }
      }
      results[scenario.name] = result;
      progress(`${scenario.name}: ${JSON.stringify(result)}`);
    }
    const peerScenarios = PEER_SCENARIOS.filter((name) => options.scenarios?.includes(name));
    if (options.peer && peerScenarios.length) {
      const databaseUrl = (prepared as { url: string }).url;
      progress(`starting the peer (${options.peer})…`);
      const theirs = await startPostGraphile(databaseUrl);
      try {
        peer = await runPeerComparison(
          { ours: server, theirs, key: adminKey },
          { samples, lookups: await peerLookups(databaseUrl), marker, databaseUrl },
          {
            scenarios: peerScenarios,
            pairs: options.peerPairs,
            seconds: options.duration,
            warmup: options.warmup,
            progress,
          },
        );
      } finally {
        await theirs.stop();
      }
    }
  } finally {
    // VmHWM is the kernel's own peak of the whole life of the process: read it just before it exits.
    serverInfo.vmHwmMb = treeMemoryOf(processTree(server.pid))?.hwmMb ?? null;
    serverInfo.exitCode = await server.stop();
  }
  // Its own service, after the other one stopped (PGlite admits one process), with npm start's V8 settings.
  let memory: MemoryResult | undefined;
  if (runMemory) {
    progress(`scenario ${MEMORY_SCENARIO} (${options.memorySeconds} s, 100 connections, npm start's V8 settings)…`);
    memory = await runReadMemory(
      serverEnv,
      adminKey,
      { seconds: options.memorySeconds, connections: 100, settleSeconds: 15 },
      options.serverDir ?? undefined,
    );
    progress(`${MEMORY_SCENARIO}: ${JSON.stringify(memory)}`);
  }

  // The live feed (issue 18), each scenario on a service of its own started as npm start starts it. Their single
  // creates are the create-single scenario's requests, marked with the feed scenario's name.
  const feed: Record<string, FeedLatencyResult | FeedThroughputResult> = {};
  const singleCreates = (name: string) =>
    buildScenarios({
      samples,
      marker: () => marker(name),
      readConnections: options.readConnections,
      batchSize: options.batchSize,
    }).find((s) => s.name === 'create-single')!;
  const feedContext = { serverEnv, key: adminKey, serverDir: options.serverDir ?? undefined, progress };
  for (const name of feedScenarios) {
    progress(`scenario ${name}…`);
    if (name === FEED_THROUGHPUT_SCENARIO) {
      feed[name] = await runFeedThroughput(feedContext, singleCreates(name), {
        idle: 96,
        readers: 4,
        seconds: options.duration,
        warmup: options.warmup,
        pairs: options.feedPairs,
      });
    } else {
      feed[name] = await runFeedLatency(feedContext, name, singleCreates(name), marker(name), {
        idle: FEED_LATENCY_SCENARIOS[name as keyof typeof FEED_LATENCY_SCENARIOS],
        rate: options.feedRate,
        seconds: options.feedSeconds,
        graceSeconds: 10,
        warmup: options.warmup,
      });
    }
    progress(`${name}: ${JSON.stringify(feed[name])}`);
  }

  // Tamper evidence (issue 19): single and batch creates with sealing on against off, on services of their own.
  let checkpoints: CheckpointThroughputResult | { status: 'skipped'; reason: string } | undefined;
  if (runCheckpoints) {
    progress(`scenario ${CHECKPOINT_SCENARIO}…`);
    const writes = buildScenarios({
      samples,
      marker: () => marker(CHECKPOINT_SCENARIO),
      readConnections: options.readConnections,
      batchSize: options.batchSize,
    }).filter((s) => s.name === 'create-single' || s.name === 'create-batch');
    checkpoints = options.pglite
      ? { status: 'skipped', reason: 'PostgreSQL only (a service per round, and the bench seals beside it)' }
      : await runCheckpointThroughput(
          { serverEnv, key: adminKey, serverDir: options.serverDir ?? undefined, progress },
          writes,
          { seconds: options.duration, warmup: options.warmup, pairs: options.feedPairs, checkpointSeconds: 2 },
        );
    progress(`${CHECKPOINT_SCENARIO}: ${JSON.stringify(checkpoints)}`);
  }

  // Every 201 must be a row: count this run's markers after the server has shut down (and flushed).
  db = await openBenchDb();
  const acknowledgement: Record<string, { acknowledged: number; found: number; ok: boolean }> = {};
  for (const scenario of scenarios) {
    const result = results[scenario.name];
    if (!scenario.write || result?.status !== 'ok') continue;
    const [{ found }] = await db.sql.query<{ found: number }>(
      `SELECT count(*) AS found FROM interactions WHERE user_id = $1`,
      [marker(scenario.name)],
    );
    // found may exceed the 201s counted: requests still in flight when the clock stopped were written but not counted.
    const acknowledged = (result.acknowledged ?? 0) + (result.acknowledgedInWarmup ?? 0);
    acknowledgement[scenario.name] = {
      acknowledged,
      found,
      ok: found >= acknowledged,
    };
  }
  // Leave the database at its loaded size for the next --keep run.
  const markers = [
    ...scenarios.map((s) => marker(s.name)),
    ...feedScenarios.map(marker),
    marker(CHECKPOINT_SCENARIO),
    marker('baseline'),
    ...peerMarkers(marker),
    'bench-probe',
  ];
  const [{ removed }] = await db.sql.query<{ removed: number }>(
    `WITH gone AS (DELETE FROM interactions WHERE user_id = ANY($1::text[]) RETURNING 1) SELECT count(*) AS removed FROM gone`,
    [markers],
  );
  // The service's refresher may have rolled some of them into the timeline's daily counts (append-only by
  // design): rebuild those from what is left, or the next --keep run would count the deleted rows.
  await refreshTimeline(db, { full: true });
  // The deletes leave dead rows and pages not all-visible: vacuum so the next --keep run starts as this one did.
  await db.sql.exec('VACUUM ANALYZE interactions');
  await db.sql.exec('VACUUM ANALYZE interaction_daily_counts');
  await db.close();

  const peakRss = Math.max(0, ...Object.values(results).map((r) => r.peakRssMb ?? 0), serverInfo.vmHwmMb ?? 0);
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    database: options.pglite ? 'pglite' : 'postgresql',
    serverDir: options.serverDir ?? '.',
    serverNodeOptions: SERVER_NODE_OPTIONS,
    webConcurrency: options.webConcurrency,
    rows: options.rows,
    durationSeconds: options.duration,
    warmupSeconds: options.warmup,
    // Other processes on the machine skew every figure: the load average says how busy it was around the run.
    loadAverage: { atStart: loadAtStart, atEnd: os.loadavg().map((n) => Number(n.toFixed(2))) },
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    load: { reused: prepared.reused, seconds: prepared.seconds, sizesBeforeScenarios: sizes },
    baselines,
    ...(prismaComparison ? { prismaComparison } : {}),
    scenarios: results,
    ...(memory ? { [MEMORY_SCENARIO]: memory } : {}),
    ...(feedScenarios.length ? { feed } : {}),
    ...(checkpoints ? { [CHECKPOINT_SCENARIO]: checkpoints } : {}),
    ...(peer ? { peer } : {}),
    server: { peakRssMb: peakRss, vmHwmMb: serverInfo.vmHwmMb, exitCode: serverInfo.exitCode },
    acknowledgedCreates: acknowledgement,
    cleanup: { benchRowsRemoved: removed },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main().catch((error) => {
  progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
