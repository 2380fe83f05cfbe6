import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { startCpuMeter, type CpuUse } from './cpu';

/** Result of a raw-driver baseline: rows written per second over a fixed duration. */
export interface BaselineResult {
  rowsPerSecond: number;
  rows: number;
  seconds: number;
  concurrency: number;
  batchSize: number;
  errors: number;
  /** CPU time of PostgreSQL and of this process (the driver) while it ran; per item = per row. */
  cpu?: CpuUse;
}

/** A baseline measured right before and right after its scenario; `rowsPerSecond` is the mean of the two. */
export interface BracketedBaseline {
  rowsPerSecond: number;
  before: BaselineResult;
  after: BaselineResult;
}

export function bracket(before: BaselineResult, after: BaselineResult): BracketedBaseline {
  return { rowsPerSecond: Math.round((before.rowsPerSecond + after.rowsPerSecond) / 2), before, after };
}

/**
 * Lookup ids the raw inserts use: the rows the service resolves from the scenarios' mnemonics, picked at random per
 * row as the scenarios pick them (so both write to the same spread of index pages).
 */
export interface BaselineLookups {
  resourceTypeIds: string[];
  actionIds: string[];
  originId: string;
}

const pick = <T>(values: readonly T[]): T => values[Math.floor(Math.random() * values.length)];

async function connectAll(url: string, count: number): Promise<Client[]> {
  const clients = Array.from({ length: count }, () => new Client({ connectionString: url }));
  await Promise.all(clients.map((client) => client.connect()));
  return clients;
}

async function runFor(
  clients: Client[],
  seconds: number,
  batchSize: number,
  insert: (client: Client) => Promise<void>,
): Promise<BaselineResult> {
  const deadline = Date.now() + seconds * 1000;
  let batches = 0;
  let errors = 0;
  const started = Date.now();
  const cpuMeter = startCpuMeter();
  await Promise.all(
    clients.map(async (client) => {
      while (Date.now() < deadline) {
        try {
          await insert(client);
          batches += 1;
        } catch {
          errors += 1;
        }
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  // Before the connections close: a backend that has exited no longer shows its CPU time.
  const cpu = cpuMeter?.(batches * batchSize);
  await Promise.all(clients.map((client) => client.end()));
  return {
    rowsPerSecond: Math.round((batches * batchSize) / elapsed),
    rows: batches * batchSize,
    seconds: Number(elapsed.toFixed(2)),
    concurrency: clients.length,
    batchSize,
    errors,
    ...(cpu ? { cpu } : {}),
  };
}

/** One INSERT per row (so one transaction per row), `concurrency` connections, same columns as the service. */
export async function singleRowBaseline(
  url: string,
  {
    concurrency,
    seconds,
    lookups,
    userId,
  }: { concurrency: number; seconds: number; lookups: BaselineLookups; userId: string },
): Promise<BaselineResult> {
  const clients = await connectAll(url, concurrency);
  let n = 0;
  return runFor(clients, seconds, 1, async (client) => {
    n += 1;
    await client.query(
      `INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, interaction,
         external_reference, external_response, uow_id, user_id, interaction_timestamp)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::jsonb, $9, $10, $11)
       RETURNING id, interaction_number, created_date`,
      [
        uuidv7(),
        `baseline-${n}`,
        pick(lookups.resourceTypeIds),
        pick(lookups.actionIds),
        lookups.originId,
        JSON.stringify({ amount: 12.5, step: n }),
        null,
        null,
        uuidv7(),
        userId,
        null,
      ],
    );
  });
}

/** Multi-row `INSERT … SELECT FROM unnest(…)` batches, `concurrency` connections. */
export async function unnestBaseline(
  url: string,
  {
    concurrency,
    seconds,
    batchSize,
    lookups,
    userId,
  }: { concurrency: number; seconds: number; batchSize: number; lookups: BaselineLookups; userId: string },
): Promise<BaselineResult> {
  const clients = await connectAll(url, concurrency);
  let n = 0;
  return runFor(clients, seconds, batchSize, async (client) => {
    const ids: string[] = [];
    const resourceIds: string[] = [];
    const payloads: string[] = [];
    const uows: string[] = [];
    const resourceTypeIds: string[] = [];
    const actionIds: string[] = [];
    for (let i = 0; i < batchSize; i += 1) {
      n += 1;
      ids.push(uuidv7());
      resourceIds.push(`baseline-${n}`);
      resourceTypeIds.push(pick(lookups.resourceTypeIds));
      actionIds.push(pick(lookups.actionIds));
      payloads.push(JSON.stringify({ amount: 12.5, step: n }));
      uows.push(uuidv7());
    }
    await client.query(
      `INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, interaction,
         external_reference, external_response, uow_id, user_id, interaction_timestamp)
       SELECT id, resource_id, resource_type_id, action_id, $7, interaction, NULL, NULL, uow_id, $8, NULL
       FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::uuid[], $5::uuid[], $6::uuid[])
         AS t(id, resource_id, interaction, uow_id, resource_type_id, action_id)
       RETURNING id, interaction_number, created_date`,
      [ids, resourceIds, payloads, uows, resourceTypeIds, actionIds, lookups.originId, userId],
    );
  });
}
