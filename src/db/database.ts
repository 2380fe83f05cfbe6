import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { Client, Pool, types } from 'pg';
import { PrismaClient } from '../generated/prisma/client';

// bigint columns (interaction_number, count(*)) arrive as JS numbers from raw queries: every value the
// service stores stays far below 2^53, and callers expect JSON numbers.
types.setTypeParser(types.builtins.INT8, (value) => Number(value));

/** How one statement is sent. */
export interface QueryOptions {
  /**
   * Send it as a named prepared statement (PostgreSQL): each connection parses and plans the text once, later runs
   * only bind and execute. For hot statements whose TEXT is one of a few fixed strings (values travel as parameters,
   * never inside the text: every distinct text stays prepared on every connection). Planning dominates the cost of
   * the small indexed reads here (13 indexes to consider: ~0.5–1.5 ms a statement, against ~0.1 ms to run it).
   * Ignored on PGlite and when `DATABASE_PREPARED_STATEMENTS=false` (transaction-pooling PgBouncer before 1.21).
   */
  prepare?: boolean;
}

/** A plain SQL runner: parameterised statements in, rows out. */
export interface SqlExecutor {
  /** Runs one statement with `$1…` parameters and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** The storage the app is built on: Prisma for the model, raw SQL for migrations and hot paths. */
export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly prisma: PrismaClient;
  readonly sql: SqlExecutor;
  /** Runs `fn` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Connections in use and waiting (metrics); PGlite is one connection. */
  poolStats(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
  /**
   * PostgreSQL only: calls `onMessage` with the payload of each NOTIFY on `channel` (a constant, never input), over
   * a dedicated connection that is re-opened after a loss; `onReset` runs then, since messages may have been missed.
   * Resolves to a function that stops listening.
   */
  listen?(channel: string, onMessage: (payload: string) => void, onReset: () => void): Promise<() => Promise<void>>;
}

/** Where to open the database: a PostgreSQL URL, or a PGlite data directory (`null` = in memory). */
export type OpenDatabaseOptions = (
  | {
      kind: 'postgres';
      url: string;
      poolSize?: number;
      /** Honour `prepare: true` (default true); false for poolers that cannot keep named statements. */
      preparedStatements?: boolean;
    }
  | { kind: 'pglite'; dataDir: string | null }
) & {
  /** Called with the text of every statement sent to the database (tests count them; metrics). */
  onQuery?: (sql: string) => void;
};

/** Opens PostgreSQL (pooled) or an embedded PGlite database with a Prisma client over the same connection(s). */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const onQuery = options.onQuery ?? (() => undefined);
  return options.kind === 'postgres'
    ? openPostgres(options.url, options.poolSize ?? 10, options.preparedStatements ?? true, onQuery)
    : openPGlite(options.dataDir, onQuery);
}

/**
 * Statements still running. close() waits for them first: PGlite's close() never settles while one runs, and a
 * pg pool ended under one cuts it off. Fire-and-forget writes (an API key's last-used hint) are the usual case.
 */
function inFlightTracker() {
  const inFlight = new Set<Promise<unknown>>();
  return {
    track<T>(promise: Promise<T>): Promise<T> {
      inFlight.add(promise);
      const forget = () => inFlight.delete(promise);
      promise.then(forget, forget);
      return promise;
    },
    settled: () => Promise.allSettled([...inFlight]),
  };
}

function sqlText(query: unknown): string {
  if (typeof query === 'string') return query;
  return typeof query === 'object' && query !== null && 'text' in query ? String(query.text) : '';
}

/** Name of the prepared statement of a text: the same on every connection and in every instance. */
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `s_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name;
}

async function openPostgres(
  url: string,
  poolSize: number,
  preparedStatements: boolean,
  onQuery: (sql: string) => void,
): Promise<Database> {
  /** pg's query config: a named statement when asked for (and allowed), else an unnamed one. */
  const config = (text: string, values: unknown[], options?: QueryOptions) =>
    options?.prepare && preparedStatements ? { name: statementName(text), text, values } : { text, values };
  // Every connection of the pool reports its statements, whoever (Prisma or the service) sends them.
  class ObservedClient extends Client {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    query(...args: any[]): any {
      onQuery(sqlText(args[0]));
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return (super.query as any)(...args);
    }
  }
  const pool = new Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 3000, Client: ObservedClient });
  // An idle client that loses its server emits 'error' on the pool; without a listener that kills the process.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const { track, settled } = inFlightTracker();
  const sql: SqlExecutor = {
    async query<T>(text: string, params: unknown[] = [], options?: QueryOptions) {
      return (await track(pool.query(config(text, params, options)))).rows as T[];
    },
    async exec(text: string) {
      await track(pool.query(text));
    },
  };
  return {
    kind: 'postgres',
    prisma,
    sql,
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      const tx: SqlExecutor = {
        async query<R>(text: string, params: unknown[] = [], options?: QueryOptions) {
          return (await client.query(config(text, params, options))).rows as R[];
        },
        async exec(text: string) {
          await client.query(text);
        },
      };
      try {
        await client.query('BEGIN');
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await settled();
      await prisma.$disconnect();
      await pool.end();
    },
    async listen(channel, onMessage, onReset) {
      let client: Client | null = null;
      let stopped = false;
      let retry: NodeJS.Timeout | undefined;
      const connect = async () => {
        const listener = new Client({ connectionString: url });
        listener.on('error', () => undefined);
        listener.on('notification', (message) => {
          if (message.channel === channel) onMessage(message.payload ?? '');
        });
        listener.once('end', () => {
          if (stopped) return;
          onReset();
          scheduleReconnect();
        });
        await listener.connect();
        await listener.query(`LISTEN "${channel}"`);
        client = listener;
      };
      const scheduleReconnect = () => {
        if (stopped) return;
        retry = setTimeout(() => connect().catch(scheduleReconnect), 1000);
        retry.unref();
      };
      await connect();
      return async () => {
        stopped = true;
        clearTimeout(retry);
        await client?.end().catch(() => undefined);
      };
    },
  };
}

const INT8_OID = 20;

async function openPGlite(dataDir: string | null, onQuery: (sql: string) => void): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
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
    transaction: (fn) => track(client.transaction((tx) => fn(runner(tx)))),
    async ping() {
      await client.query('SELECT 1');
    },
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    async close() {
      await settled();
      await prisma.$disconnect();
      await client.close();
    },
  };
}
