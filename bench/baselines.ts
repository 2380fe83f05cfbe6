import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';

/** Result of a raw-driver baseline: rows written per second over a fixed duration. */
export interface BaselineResult {
  rowsPerSecond: number;
  rows: number;
  seconds: number;
  concurrency: number;
  batchSize: number;
  errors: number;
}

/** Lookup ids the raw inserts use (the same rows the service resolves from mnemonics). */
export interface BaselineLookups {
  resourceTypeId: string;
  actionId: string;
  originId: string;
}

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
  await Promise.all(clients.map((client) => client.end()));
  return {
    rowsPerSecond: Math.round((batches * batchSize) / elapsed),
    rows: batches * batchSize,
    seconds: Number(elapsed.toFixed(2)),
    concurrency: clients.length,
    batchSize,
    errors,
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
        lookups.resourceTypeId,
        lookups.actionId,
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
    for (let i = 0; i < batchSize; i += 1) {
      n += 1;
      ids.push(uuidv7());
      resourceIds.push(`baseline-${n}`);
      payloads.push(JSON.stringify({ amount: 12.5, step: n }));
      uows.push(uuidv7());
    }
    await client.query(
      `INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, interaction,
         external_reference, external_response, uow_id, user_id, interaction_timestamp)
       SELECT id, resource_id, $5, $6, $7, interaction, NULL, NULL, uow_id, $8, NULL
       FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::uuid[]) AS t(id, resource_id, interaction, uow_id)
       RETURNING id, interaction_number, created_date`,
      [ids, resourceIds, payloads, uows, lookups.resourceTypeId, lookups.actionId, lookups.originId, userId],
    );
  });
}
