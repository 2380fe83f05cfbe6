import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client';
import type { Database, SqlExecutor } from './database.types';
import { inFlightTracker } from './in-flight';

const INT8_OID = 20;

/** The embedded database: PGlite in this process, with Prisma over it (see openDatabase). */
export async function openPGlite(
  dataDir: string | null,
  onQuery: (sql: string) => void,
  loadDataDir?: Blob,
): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  if (dataDir && loadDataDir) throw new Error('loadDataDir is for an in-memory database (dataDir: null)');
  const client = dataDir ? new PGlite(dataDir) : new PGlite(loadDataDir ? { loadDataDir } : undefined);
  await client.waitReady;
  const { query, exec } = client;
  const { track, settled } = inFlightTracker();
  client.query = ((text: string, ...rest: unknown[]) => {
    onQuery(text);
    return track((query as (...args: unknown[]) => Promise<unknown>).call(client, text, ...rest));
  }) as PGlite['query'];
  client.exec = ((text: string, ...rest: unknown[]) => {
    onQuery(text);
    return track((exec as (...args: unknown[]) => Promise<unknown>).call(client, text, ...rest));
  }) as PGlite['exec'];
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(client) });
  const runner = (target: Pick<PGlite, 'query' | 'exec'>): SqlExecutor => ({
    async query<T>(text: string, params: unknown[] = []) {
      return (await target.query<T>(text, params, { parsers: { [INT8_OID]: (value: string) => Number(value) } })).rows;
    },
    async exec(text: string) {
      await target.exec(text);
    },
  });
  return {
    kind: 'pglite',
    prisma,
    sql: runner(client),
    // One connection inside this process, without server-side time limits to raise: options change nothing here.
    transaction: (fn) => track(client.transaction((tx) => fn(runner(tx)))),
    async ping() {
      await client.query('SELECT 1');
    },
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    async listen(channel, onMessage) {
      const unlisten = await client.listen(channel, onMessage);
      return async () => {
        await unlisten().catch(() => undefined);
      };
    },
    async close() {
      await settled();
      await prisma.$disconnect();
      await client.close();
    },
  };
}
