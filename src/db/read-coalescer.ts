import type { SqlExecutor } from './database.types';

/** What one statement found for the keys it was given; a key it did not find is absent. */
export type FoundByKey<K, V> = Map<K, V>;

export interface ReadCoalescerOptions {
  /** The most keys one statement is asked for; more pending keys are split across statements. Default 500. */
  maxKeys?: number;
}

/**
 * Items gathered by key during one event-loop turn and handed to `flush` at the turn's end (`setImmediate`, which
 * runs after every request that arrived in the turn has reached its read): what both coalescers below share.
 */
function turnBatcher<K, V>(flush: (batch: Map<K, V[]>) => void): (key: K, item: V) => void {
  let pending = new Map<K, V[]>();
  return (key, item) => {
    const items = pending.get(key);
    if (items) {
      items.push(item);
      return;
    }
    // The turn's first item: nothing is scheduled yet.
    if (pending.size === 0) {
      setImmediate(() => {
        const batch = pending;
        pending = new Map();
        flush(batch);
      });
    }
    pending.set(key, [item]);
  };
}

/**
 * Point reads of one kind of row by key, gathered across concurrent requests: the keys asked for during one
 * event-loop turn are read by one statement at the turn's end, instead of one statement per request. Nothing is
 * cached: every read is answered by a statement that started after it was asked for, so a row committed before a
 * request arrived is always seen, as with a statement of its own (docs/adr/110-coalesced-point-reads.md).
 *
 * A key asked for twice in a turn is read once. A statement that fails fails every read it carried, with its error.
 */
export function createReadCoalescer<K, V>(
  read: (keys: K[]) => Promise<FoundByKey<K, V>>,
  { maxKeys = 500 }: ReadCoalescerOptions = {},
): (key: K) => Promise<V | undefined> {
  type Waiter = { resolve: (value: V | undefined) => void; reject: (error: unknown) => void };
  const settle = async (keys: K[], waiters: Map<K, Waiter[]>) => {
    try {
      const found = await read(keys);
      for (const key of keys) for (const waiter of waiters.get(key)!) waiter.resolve(found.get(key));
    } catch (error) {
      for (const key of keys) for (const waiter of waiters.get(key)!) waiter.reject(error);
    }
  };
  const add = turnBatcher<K, Waiter>((waiters) => {
    const keys = [...waiters.keys()];
    for (let start = 0; start < keys.length; start += maxKeys) {
      void settle(keys.slice(start, start + maxKeys), waiters);
    }
  });
  return (key) => new Promise<V | undefined>((resolve, reject) => add(key, { resolve, reject }));
}

/** How a coalesced statement reads a parameter back from its JSON: by the parameter's value; null if it cannot. */
function sqlTypeOf(value: unknown): string | null {
  if (typeof value === 'string') return 'text';
  if (typeof value === 'number' && Number.isSafeInteger(value)) return 'int8';
  if (value instanceof Date && !Number.isNaN(value.getTime())) return 'timestamptz';
  return null;
}

/** The columns a coalesced statement adds to each row, last, removed before the rows are answered. */
const ASKED = 'coalesced_asked';
const ORDINAL = 'coalesced_ordinal';

/**
 * `text` run once for each of several parameter lists, as one statement: the lists travel as one JSON array and
 * each is read laterally, `$k` becoming its k-th element cast to `types[k - 1]`, so each list's rows are exactly
 * those `text` would return for it, in its order. Strings are read back as text, integers as int8 and dates as
 * timestamptz (`sqlTypeOf`): `text` must take its parameters as these types (as `LIMIT $1` takes a bigint), or be
 * cast where it uses them. `text` holds no quoted literal (which could contain a `$`): the caller checks.
 */
function coalescedStatement(text: string, types: readonly string[]): string {
  const inner = text.replace(/\$(\d+)\b/g, (_, k: string) => `(asked.p->>${Number(k) - 1})::${types[Number(k) - 1]}`);
  return `SELECT found.*, asked.n AS ${ASKED}
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS asked(p, n)
    CROSS JOIN LATERAL (SELECT one.*, row_number() OVER () AS ${ORDINAL} FROM (${inner}) one) found
    ORDER BY asked.n, found.${ORDINAL}`;
}

interface Asked {
  text: string;
  params: readonly unknown[];
  resolve: (rows: Record<string, unknown>[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Read statements of the same text asked for by concurrent requests, run as one statement (`coalescedStatement`):
 * the statements asked for during one event-loop turn go at the turn's end, one statement per text and type
 * signature, instead of one per request. A text asked for once in the turn runs as itself, and so does a text with a
 * quoted literal or a value of another type. Nothing is cached: every statement starts after it was asked for
 * (docs/adr/110-coalesced-point-reads.md).
 *
 * A coalesced statement that fails is run again once per request, so that a statement failing for one request
 * (its own timeout, say) fails that request only. Meant for statements of bounded cost (first pages by a key):
 * the requests of one coalesced statement wait for all of them.
 */
export function createStatementCoalescer(
  sql: SqlExecutor,
  { maxStatements = 64 }: { maxStatements?: number } = {},
): <T>(text: string, params: readonly unknown[]) => Promise<T[]> {
  // The coalesced text of each text and type signature, made once: one per combination of a caller's filters.
  const statements = new Map<string, string>();
  const alone = (one: Asked) =>
    sql.query<Record<string, unknown>>(one.text, [...one.params], { prepare: true }).then(one.resolve, one.reject);
  const together = async (statement: string, asked: Asked[]) => {
    let rows: Record<string, unknown>[];
    try {
      rows = await sql.query<Record<string, unknown>>(statement, [JSON.stringify(asked.map((one) => one.params))], {
        prepare: true,
      });
    } catch {
      for (const one of asked) void alone(one);
      return;
    }
    const answers: Record<string, unknown>[][] = asked.map(() => []);
    for (const row of rows) {
      const n = Number(row[ASKED]) - 1;
      // The last two columns, removed last first: the rows keep the shape of the text's own.
      delete row[ASKED];
      delete row[ORDINAL];
      answers[n].push(row);
    }
    asked.forEach((one, i) => one.resolve(answers[i]));
  };
  const add = turnBatcher<string, Asked>((groups) => {
    for (const [key, asked] of groups) {
      if (asked.length === 1) {
        void alone(asked[0]);
        continue;
      }
      const statement = statements.get(key)!;
      for (let start = 0; start < asked.length; start += maxStatements) {
        void together(statement, asked.slice(start, start + maxStatements));
      }
    }
  });
  return <T>(text: string, params: readonly unknown[]) =>
    new Promise<T[]>((resolve, reject) => {
      const one: Asked = { text, params, resolve: resolve as Asked['resolve'], reject };
      const types = params.map(sqlTypeOf);
      if (text.includes("'") || types.some((type) => type === null)) {
        void alone(one);
        return;
      }
      const key = `${types.join(',')}\n${text}`;
      if (!statements.has(key)) statements.set(key, coalescedStatement(text, types as string[]));
      add(key, one);
    });
}
