import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { Client, Pool, type PoolClient } from 'pg';
import { PrismaClient } from '../generated/prisma/client';
import { CircuitBreaker } from './circuit-breaker';
import type { Database, DatabaseLimits, QueryOptions, SqlExecutor, TransactionOptions } from './database.types';
import { isConnectionFailure } from './errors';
import { inFlightTracker } from './in-flight';
import { delay, destroyConnection, listenOn } from './postgres-listen';
import { KEEPALIVE_INITIAL_DELAY_MS, PROBE_BACKOFF, QUERY_TIMEOUT_MARGIN_MS, STALL_MS } from './limits';

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

interface PostgresSettings {
  poolSize: number;
  preparedStatements: boolean;
  limits: DatabaseLimits;
  onQuery: (sql: string) => void;
  onAvailabilityChange?: (state: 'open' | 'closed', error?: unknown) => void;
}

/** The last argument of a query call, if it is its callback. */
type QueryCallback = (error: unknown, result?: unknown) => void;

/** PostgreSQL through a pg pool, with Prisma over the same pool (see openDatabase). */
export async function openPostgres(
  url: string,
  { poolSize, preparedStatements, limits, onQuery, onAvailabilityChange }: PostgresSettings,
): Promise<Database> {
  const requestQueryTimeout = limits.statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS;
  const maintenanceQueryTimeout = limits.maintenanceStatementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS;
  /** What every connection of this database shares: where, how long to wait for it, and TCP keepalive. */
  const connection = {
    connectionString: url,
    connectionTimeoutMillis: limits.connectTimeoutMs,
    // A peer that vanished without a FIN (a host gone, a NAT entry dropped) is found by the kernel's probes.
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
  };
  /** pg's query config: a named statement when asked for (and allowed), else an unnamed one. */
  const config = (text: string, values: unknown[], options?: QueryOptions) =>
    options?.prepare && preparedStatements ? { name: statementName(text), text, values } : { text, values };

  // Request statements sent and not yet answered (start times, oldest first), and when the database last answered:
  // statements outstanding with no answer at all for STALL_MS mean a silent database or network (see watchdog).
  const outstanding = new Map<symbol, number>();
  let lastAnswer = Date.now();
  const breaker = new CircuitBreaker({
    probeDelays: PROBE_BACKOFF,
    onChange: onAvailabilityChange,
    // A fresh connection of its own (the pool's may all be stuck) that answers SELECT 1 within the connect timeout.
    async probe() {
      const probe = new Client({
        ...connection,
        application_name: 'interactions-probe',
        query_timeout: limits.connectTimeoutMs,
      });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.query('SELECT 1');
      } catch (error) {
        destroyConnection(probe);
        throw error;
      }
      lastAnswer = Date.now();
      // Gone before the pool opens new connections, so an instance never holds more than pool + LISTEN.
      await Promise.race([probe.end(), delay(limits.connectTimeoutMs)]).catch(() => undefined);
      destroyConnection(probe);
    },
  });
  /** Bookkeeping of one statement on a pool connection; returns what to call with its outcome. */
  const observe = (client: Client, long: boolean) => {
    const id = Symbol('statement');
    if (!long) outstanding.set(id, Date.now());
    return (error: unknown) => {
      outstanding.delete(id);
      if (!error || !isConnectionFailure(error)) {
        lastAnswer = Date.now();
        return;
      }
      // After a read timeout a late answer would meet the connection's next statement: the connection is done.
      if (error instanceof Error && /query read timeout/i.test(error.message)) destroyConnection(client);
      breaker.suspect();
    };
  };
  // Every connection of the pool reports its statements, whoever (Prisma or the service) sends them.
  class ObservedClient extends Client {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    query(...args: any[]): any {
      onQuery(sqlText(args[0]));
      const first = args[0] as { query_timeout?: number; submit?: unknown } | undefined;
      // A submittable (a cursor, a stream) reports its own end: not observed (none is used today).
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      if (typeof first?.submit === 'function') return (super.query as any)(...args);
      const done = observe(this, (first?.query_timeout ?? 0) > requestQueryTimeout);
      const callback = args[args.length - 1];
      if (typeof callback === 'function') {
        args[args.length - 1] = (error: unknown, result: unknown) => {
          done(error);
          (callback as QueryCallback)(error, result);
        };
      }
      let result;
      try {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        result = (super.query as any)(...args);
      } catch (error) {
        done(error);
        throw error;
      }
      if (typeof callback !== 'function' && typeof result?.then === 'function') {
        (result as Promise<unknown>).then(
          () => done(null),
          (error: unknown) => done(error),
        );
      }
      return result;
    }
  }
  const pool = new Pool({
    ...connection,
    max: poolSize,
    Client: ObservedClient,
    application_name: 'interactions',
    // The server cancels a request's statement after the limit (57014, a 503); the client stops waiting a little
    // later, for when no answer comes at all.
    statement_timeout: limits.statementTimeoutMs,
    query_timeout: requestQueryTimeout,
    // No JIT compilation of request statements (ADR 110): it costs tens of milliseconds a statement, and PostgreSQL
    // starts it for any plan estimated above jit_above_cost, which the generic plan of a coalesced read reaches by
    // assuming a hundred parameter lists. Maintenance transactions turn it back on for their long scans.
    options: [process.env.PGOPTIONS, '-c jit=off'].filter(Boolean).join(' '),
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener that kills the process.
  pool.on('error', () => undefined);
  const clients = new Set<Client>();
  pool.on('connect', (client) => clients.add(client));
  pool.on('remove', (client) => clients.delete(client));
  // The database is unreachable: statements on the pool's connections will not be answered. Dropping the connections
  // fails them now (503) instead of at their read timeout.
  breaker.on('open', () => clients.forEach(destroyConnection));

  // Every way into the pool — the service's statements, transactions, Prisma, /readyz — comes through connect():
  // refused at once while the breaker is open, and a caller still waiting for a connection when it opens is let go.
  const connect = pool.connect.bind(pool) as () => Promise<PoolClient>;
  const guardedConnect = async (): Promise<PoolClient> => {
    const refusal = breaker.refusal();
    if (refusal) throw refusal;
    let unsubscribe: () => void = () => undefined;
    const opened = new Promise<never>((_resolve, reject) => {
      unsubscribe = breaker.on('open', () => reject(breaker.refusal()));
    });
    const attempt = connect();
    try {
      return await Promise.race([attempt, opened]);
    } catch (error) {
      // A connection that arrives after the caller was let go goes back to the pool.
      attempt.then(
        (client) => client.release(),
        () => undefined,
      );
      if (isConnectionFailure(error)) breaker.suspect();
      throw error;
    } finally {
      unsubscribe();
    }
  };
  pool.connect = ((callback?: (error: unknown, client?: PoolClient, release?: (error?: unknown) => void) => void) => {
    const promise = guardedConnect();
    if (!callback) return promise;
    promise.then(
      (client) => callback(undefined, client, (error?: unknown) => client.release(error as Error | undefined)),
      (error: unknown) => callback(error, undefined, () => undefined),
    );
    return undefined;
  }) as Pool['connect'];

  const watchdog = setInterval(() => {
    const oldest = outstanding.values().next();
    if (oldest.done || breaker.isOpen) return;
    const now = Date.now();
    if (now - oldest.value > STALL_MS && now - lastAnswer > STALL_MS) breaker.suspect();
  }, STALL_MS / 4);
  watchdog.unref();

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
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T> {
      const long = options?.statementLimit === 'maintenance';
      // pg's per-statement read timeout overrides the pool's, so a long statement is not cut on the client either.
      const timeout = long ? { query_timeout: maintenanceQueryTimeout } : {};
      const client = await pool.connect();
      const run = async (text: string, params?: unknown[], queryOptions?: QueryOptions) =>
        (await client.query({ ...config(text, params ?? [], queryOptions), ...timeout })).rows;
      const tx: SqlExecutor = {
        async query<R>(text: string, params: unknown[] = [], queryOptions?: QueryOptions) {
          return (await run(text, params, queryOptions)) as R[];
        },
        async exec(text: string) {
          await client.query({ text, ...timeout });
        },
      };
      let broken: Error | undefined;
      try {
        await run('BEGIN');
        if (long) {
          await run(`SELECT set_config('statement_timeout', $1, true), set_config('jit', 'on', true)`, [
            String(limits.maintenanceStatementTimeoutMs),
          ]);
        }
        const result = await fn(tx);
        await run('COMMIT');
        return result;
      } catch (error) {
        // A connection whose ROLLBACK fails is in an unknown state: the pool drops it instead of lending it again.
        broken = await run('ROLLBACK').then(
          () => undefined,
          (rollbackError: Error) => rollbackError,
        );
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async ping() {
      // Bounded by the connect timeout: /readyz answers fast while the database is silent.
      const statement = { text: 'SELECT 1', query_timeout: limits.connectTimeoutMs };
      await pool.query(statement);
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      breaker.stop();
      clearInterval(watchdog);
      await settled();
      await prisma.$disconnect();
      await pool.end();
    },
    async listen(channel, onMessage, onReset) {
      return listenOn(channel, { connection, limits, breaker, onMessage, onReset });
    },
  };
}
