/**
 * Prisma against raw SQL on the hot paths: each operation the service sends through the raw `pg` pool
 * (`db.sql.query`) is timed next to the same operation through Prisma 7's client, over the SAME pool, on the same
 * database, with the same keys, concurrency and duration. `npm run bench -- --prisma-comparison` runs it on
 * PostgreSQL before the service starts (report section `prismaComparison`); on its own:
 *
 *   node -r ts-node/register/transpile-only bench/prisma.ts [url] [seconds]
 *
 * (default url postgresql://postgres@127.0.0.1:5432/bench_run, 5 s per side). Rows it inserts carry
 * `user_id = <userId>` (default `bench-prisma-<random>`) and are deleted before it returns. See docs/benchmarks.md.
 */
import { BENCH_DB_LIMITS } from './db-limits';
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase, type Database } from '../src/db/database';
import { countInteractions } from '../src/interactions/interaction.count';
import { findInteractionsAfter, getInteraction } from '../src/interactions/interaction.find';
import { insertInteractions } from '../src/interactions/interaction.insert';
import type { PreparedInteraction } from '../src/interactions/interaction.prepare';
import { LOOKUP_COLUMNS } from '../src/lookups/lookup.kinds';
import { sampleKeys, type Samples } from './dataset';

/** One side (Prisma or raw) of one operation. */
export interface SideResult {
  ops: number;
  opsPerSecond: number;
  errors: number;
  /** First error message, if any (an error counts as an operation not done). */
  firstError?: string;
  /** Statements sent to the pool per operation (BEGIN/COMMIT count too). */
  statementsPerOp: number | null;
  /**
   * CPU time of this process (user + system) per operation, in ms: the client-side cost (Prisma's query
   * compilation and result mapping, or pg's), steadier than latency on a busy machine.
   */
  cpuMsPerOp: number | null;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
}

/** One operation measured both ways. */
export interface OperationComparison {
  description: string;
  prisma: SideResult;
  raw: SideResult;
  /** raw ops/s ÷ Prisma ops/s: above 1, the raw path does more in the same time. */
  rawToPrismaOpsRatio: number | null;
  /** Prisma p50 ÷ raw p50: above 1, a Prisma call takes longer. */
  prismaToRawP50Ratio: number | null;
  /** Prisma CPU ms per op ÷ raw CPU ms per op: what the client side costs more through Prisma. */
  prismaToRawCpuRatio: number | null;
  /** Both ways returned the same rows for the first key (checked once, before timing). */
  sameResult: boolean;
}

export type OperationName = 'getById' | 'listByResource' | 'lookupByMnemonic' | 'insertSingle';

export interface PrismaComparison {
  concurrency: number;
  secondsPerSide: number;
  warmupSecondsPerSide: number;
  poolSize: number;
  operations: Record<OperationName, OperationComparison>;
  /** Rows the insert operation wrote (both sides), deleted again before returning. */
  cleanup: { userId: string; rowsRemoved: number };
}

export interface ComparePrismaAndRawOptions {
  /** Measured seconds per side of each operation. */
  seconds: number;
  /** Concurrent workers, each running one operation after the other. */
  concurrency: number;
  /** Keys to pick from (bench/dataset.ts sampleKeys): ids, resourceIds, action mnemonics. */
  samples: Samples;
  /** Unmeasured seconds before each side (default 1): JIT, prepared plans, Prisma's query cache. */
  warmupSeconds?: number;
  /** Marks the inserted rows (default `bench-prisma-<random>`). */
  userId?: string;
}

/** A small seeded PRNG (mulberry32), so both sides of an operation ask for the same keys in the same order. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Number(sorted[Math.max(0, index)].toFixed(3));
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** What one side of one operation gathered so far (over several rounds). */
class Tally {
  latencies: number[] = [];
  errors = 0;
  firstError: string | undefined;
  seconds = 0;
  statements = 0;
  cpuMicros = 0;

  result(): SideResult {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const attempts = sorted.length + this.errors;
    return {
      ops: sorted.length,
      opsPerSecond: Math.round((sorted.length / this.seconds) * 10) / 10,
      errors: this.errors,
      ...(this.firstError ? { firstError: this.firstError } : {}),
      statementsPerOp: attempts ? round2(this.statements / attempts) : null,
      cpuMsPerOp: attempts ? Number((this.cpuMicros / 1000 / attempts).toFixed(3)) : null,
      latencyMs: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) },
    };
  }
}

/**
 * Runs `op` from `concurrency` workers for `seconds` (worker w draws its keys from seed w + round) and adds what
 * it saw to `tally` (nothing when it is null: warm-up). `statements` counts the statements sent to the pool.
 */
async function drive(
  concurrency: number,
  seconds: number,
  round: number,
  op: (random: () => number) => Promise<unknown>,
  tally: Tally | null,
  statements: { count: number },
): Promise<void> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const statementsBefore = statements.count;
  const cpuBefore = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      const random = seededRandom(round * 1000 + worker + 1);
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await op(random);
          tally?.latencies.push(performance.now() - t0);
        } catch (error) {
          if (!tally) continue;
          tally.errors += 1;
          tally.firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  if (!tally) return;
  tally.seconds += (performance.now() - started) / 1000;
  tally.statements += statements.count - statementsBefore;
  const cpu = process.cpuUsage(cpuBefore);
  tally.cpuMicros += cpu.user + cpu.system;
}

interface Operation {
  description: string;
  prisma: (random: () => number) => Promise<unknown>;
  raw: (random: () => number) => Promise<unknown>;
  /** Runs both once with the same first key and says whether they agree. */
  check: () => Promise<boolean>;
}

function pick<T>(values: readonly T[], random: () => number): T {
  return values[Math.floor(random() * values.length)];
}

function operations(
  db: Database,
  samples: Samples,
  lookups: Lookups,
  userId: string,
): Record<OperationName, Operation> {
  const { prisma, sql } = db;
  const orderBy = [{ createdDate: 'desc' as const }, { interactionNumber: 'desc' as const }];
  const prismaPage = (resourceId: string) =>
    Promise.all([
      prisma.interaction.findMany({ where: { resourceId }, orderBy, take: 50 }),
      prisma.interaction.count({ where: { resourceId } }),
    ]);
  // The same two statements as Prisma's side, always (findInteractions would skip the count when the page holds every
  // match, which is the service's own saving, not Prisma's cost): the deferred-join page and the count.
  const rawPage = async (resourceId: string) => {
    const [slice, total] = await Promise.all([
      findInteractionsAfter(db, { filter: { resourceId }, first: 50 }),
      countInteractions(db, { filter: { resourceId } }),
    ]);
    return { items: slice.items, pagination: { total } };
  };
  const rawLookup = (mnemonic: string) =>
    sql.query<{ id: string }>(`SELECT ${LOOKUP_COLUMNS} FROM actions WHERE mnemonic = $1`, [mnemonic]);
  let n = 0;
  // The same row both ways: what the service's prepareInteraction makes from a typical create request.
  const row = (): PreparedInteraction => {
    n += 1;
    return {
      id: uuidv7(),
      resourceId: `bench-prisma-${n}`,
      resourceTypeId: lookups.resourceTypeId,
      actionId: lookups.actionId,
      originId: lookups.originId,
      interaction: JSON.stringify({ amount: 12.5, step: n }),
      externalReference: null,
      externalResponse: null,
      uowId: uuidv7(),
      userId,
      interactionTimestamp: null,
    };
  };
  const prismaInsert = (r: PreparedInteraction) =>
    prisma.interaction.create({
      data: {
        id: r.id,
        resourceId: r.resourceId,
        resourceTypeId: r.resourceTypeId,
        actionId: r.actionId,
        originId: r.originId,
        interaction: JSON.parse(r.interaction as string),
        uowId: r.uowId,
        userId: r.userId,
      },
    });
  const rawInsert = (r: PreparedInteraction) => insertInteractions(sql, [r]);

  return {
    getById: {
      description:
        'interaction by id: prisma.interaction.findFirst vs getInteraction (the ids of one event-loop turn in one statement, ADR 110)',
      prisma: (random) => prisma.interaction.findFirst({ where: { id: pick(samples.ids, random) } }),
      raw: (random) => getInteraction(db, { id: pick(samples.ids, random) }),
      async check() {
        const [viaPrisma, viaRaw] = await Promise.all([
          prisma.interaction.findFirst({ where: { id: samples.ids[0] } }),
          getInteraction(db, { id: samples.ids[0] }),
        ]);
        return viaPrisma?.id === viaRaw.id && Number(viaPrisma.interactionNumber) === viaRaw.interactionNumber;
      },
    },
    listByResource: {
      description:
        "page of 50 by resourceId + total: prisma findMany(take 50) + count vs the service's deferred-join page + count",
      prisma: (random) => prismaPage(pick(samples.resourceIds, random)),
      raw: (random) => rawPage(pick(samples.resourceIds, random)),
      async check() {
        const [[items, total], page] = await Promise.all([
          prismaPage(samples.resourceIds[0]),
          rawPage(samples.resourceIds[0]),
        ]);
        return (
          total === page.pagination.total &&
          items.length === page.items.length &&
          items.every((item, i) => item.id === page.items[i].id)
        );
      },
    },
    lookupByMnemonic: {
      description: 'action by mnemonic: prisma.action.findUnique vs SELECT … FROM actions WHERE mnemonic = $1',
      prisma: (random) => prisma.action.findUnique({ where: { mnemonic: pick(samples.actions, random) } }),
      raw: (random) => rawLookup(pick(samples.actions, random)),
      async check() {
        const [viaPrisma, [viaRaw]] = await Promise.all([
          prisma.action.findUnique({ where: { mnemonic: samples.actions[0] } }),
          rawLookup(samples.actions[0]),
        ]);
        return viaPrisma !== null && viaPrisma.id === viaRaw?.id;
      },
    },
    insertSingle: {
      description: 'one interaction: prisma.interaction.create vs insertInteractions (INSERT … unnest, one row)',
      prisma: () => prismaInsert(row()),
      raw: () => rawInsert(row()),
      async check() {
        const [a, b] = [row(), row()];
        const [viaPrisma, [viaRaw]] = await Promise.all([prismaInsert(a), rawInsert(b)]);
        return viaPrisma.id === a.id && viaRaw.id === b.id && viaRaw.interactionNumber > 0;
      },
    },
  };
}

interface Lookups {
  resourceTypeId: string;
  actionId: string;
  originId: string;
}

async function firstLookups(db: Database, samples: Samples): Promise<Lookups> {
  const idOf = async (table: string, mnemonic: string | undefined) => {
    // The first lookup of the table when the samples name none (origins are not sampled).
    const [row] = await db.sql.query<{ id: string }>(
      `SELECT id FROM ${table} WHERE $1::text IS NULL OR mnemonic = $1 ORDER BY mnemonic LIMIT 1`,
      [mnemonic ?? null],
    );
    if (!row) throw new Error(`no row in ${table} to insert with`);
    return row.id;
  };
  return {
    resourceTypeId: await idOf('resource_types', samples.resourceTypes[0]),
    actionId: await idOf('actions', samples.actions[0]),
    originId: await idOf('origins', undefined),
  };
}

/**
 * Measures each hot-path operation through Prisma and through the raw pool, on one PostgreSQL pool shared by
 * both: per operation, a result check, a warm-up of each side, then `seconds` per side in alternating rounds.
 * Deletes the rows it inserted.
 */
export async function comparePrismaAndRaw(
  url: string,
  {
    seconds,
    concurrency,
    samples,
    warmupSeconds = 1,
    userId = `bench-prisma-${randomBytes(4).toString('hex')}`,
  }: ComparePrismaAndRawOptions,
): Promise<PrismaComparison> {
  if (!samples.ids.length || !samples.resourceIds.length || !samples.actions.length) {
    throw new Error('comparePrismaAndRaw needs sample ids, resourceIds and actions');
  }
  // The list operation sends its page and its count at once: two connections per worker.
  const poolSize = concurrency * 2;
  const statements = { count: 0 };
  const db = await openDatabase({
    kind: 'postgres',
    url,
    poolSize,
    onQuery: () => {
      statements.count += 1;
    },
  });
  const results = {} as Record<OperationName, OperationComparison>;
  let rowsRemoved: number;
  try {
    const ops = operations(db, samples, await firstLookups(db, samples), userId);
    for (const [name, op] of Object.entries(ops) as [OperationName, Operation][]) {
      const sameResult = await op.check();
      if (warmupSeconds > 0) {
        await drive(concurrency, warmupSeconds, 0, op.prisma, null, statements);
        await drive(concurrency, warmupSeconds, 0, op.raw, null, statements);
      }
      // Rounds of at most a second, alternating which side goes first, so a change in the machine's load
      // during the run falls on both sides alike; round r draws the same keys on both sides.
      const rounds = Math.max(1, Math.ceil(seconds));
      const tallies = { prisma: new Tally(), raw: new Tally() };
      for (let round = 1; round <= rounds; round += 1) {
        const order = round % 2 ? (['prisma', 'raw'] as const) : (['raw', 'prisma'] as const);
        for (const side of order)
          await drive(concurrency, seconds / rounds, round, op[side], tallies[side], statements);
      }
      const prisma = tallies.prisma.result();
      const raw = tallies.raw.result();
      results[name] = {
        description: op.description,
        prisma,
        raw,
        rawToPrismaOpsRatio: prisma.opsPerSecond > 0 ? round2(raw.opsPerSecond / prisma.opsPerSecond) : null,
        prismaToRawP50Ratio:
          prisma.latencyMs.p50 && raw.latencyMs.p50 ? round2(prisma.latencyMs.p50 / raw.latencyMs.p50) : null,
        prismaToRawCpuRatio: prisma.cpuMsPerOp && raw.cpuMsPerOp ? round2(prisma.cpuMsPerOp / raw.cpuMsPerOp) : null,
        sameResult,
      };
    }
  } finally {
    try {
      [{ removed: rowsRemoved }] = await db.sql.query<{ removed: number }>(
        `WITH gone AS (DELETE FROM interactions WHERE user_id = $1 RETURNING 1) SELECT count(*) AS removed FROM gone`,
        [userId],
      );
    } finally {
      await db.close();
    }
  }
  return {
    concurrency,
    secondsPerSide: seconds,
    warmupSecondsPerSide: warmupSeconds,
    poolSize,
    operations: results,
    cleanup: { userId, rowsRemoved },
  };
}

if (require.main === module) {
  const url = process.argv[2] ?? 'postgresql://postgres@127.0.0.1:5432/bench_run';
  const seconds = Number(process.argv[3] ?? 5);
  (async () => {
    const loadAtStart = os.loadavg().map((n) => Number(n.toFixed(2)));
    const startedAt = new Date().toISOString();
    const db = await openDatabase({ kind: 'postgres', limits: BENCH_DB_LIMITS, url, poolSize: 2 });
    const samples = await sampleKeys(db.sql).finally(() => db.close());
    const comparison = await comparePrismaAndRaw(url, { seconds, concurrency: 4, samples });
    const loadAverage = { atStart: loadAtStart, atEnd: os.loadavg().map((n) => Number(n.toFixed(2))) };
    process.stdout.write(`${JSON.stringify({ startedAt, loadAverage, ...comparison }, null, 2)}\n`);
  })().catch((error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
