import type { Database, SqlExecutor, TransactionOptions } from './database';

const BASE = Symbol('the database a request view is made from');

/**
 * The database a value stands for: itself, or the database a request's view (withStatementLimit) was made from.
 * Per-database state (caches, the last covered_through seen, change listeners) is keyed by this, so every request
 * shares it.
 */
export function baseOf(db: Database): Database {
  return (db as Database & { [BASE]?: Database })[BASE] ?? db;
}

/** At most `size` tasks at once; the others wait in arrival order. */
class Slots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}

/**
 * A view of `db` for one request that runs at most `statements` of its statements (and transactions) at once, so one
 * request — a GraphQL operation of forty aliases, say — holds at most that share of the pool and other clients keep
 * theirs. Everything else (Prisma, pool statistics, close) is the shared database's.
 */
export function withStatementLimit(db: Database, statements: number): Database {
  const slots = new Slots(Math.max(1, statements));
  const base = baseOf(db);
  const sql: SqlExecutor = {
    query: (text, params, options) => slots.run(() => base.sql.query(text, params, options)),
    exec: (text) => slots.run(() => base.sql.exec(text)),
  };
  const view: Database = Object.create(base);
  Object.defineProperties(view, {
    [BASE]: { value: base },
    sql: { value: sql },
    transaction: {
      value: (fn: (tx: SqlExecutor) => Promise<unknown>, options?: TransactionOptions) =>
        slots.run(() => base.transaction(fn, options)),
    },
  });
  return view;
}
