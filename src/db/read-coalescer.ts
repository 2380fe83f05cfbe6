/** What one statement found for the keys it was given; a key it did not find is absent. */
export type FoundByKey<K, V> = Map<K, V>;

export interface ReadCoalescerOptions {
  /** The most keys one statement is asked for; more pending keys are split across statements. Default 500. */
  maxKeys?: number;
}

/**
 * Point reads of one kind of row by key, gathered across concurrent requests: the keys asked for during one
 * event-loop turn are read by one statement at the turn's end (`setImmediate`, after every request that arrived in
 * the turn has reached its read), instead of one statement per request. Nothing is cached: every read is answered
 * by a statement that started after it was asked for, so a row committed before a request arrived is always seen,
 * as with a statement of its own (docs/adr/110-coalesced-point-reads.md).
 *
 * A key asked for twice in a turn is read once. A statement that fails fails every read it carried, with its error.
 */
export function createReadCoalescer<K, V>(
  read: (keys: K[]) => Promise<FoundByKey<K, V>>,
  { maxKeys = 500 }: ReadCoalescerOptions = {},
): (key: K) => Promise<V | undefined> {
  type Waiter = { resolve: (value: V | undefined) => void; reject: (error: unknown) => void };
  let pending = new Map<K, Waiter[]>();
  let scheduled = false;

  const settle = async (keys: K[], waiters: Map<K, Waiter[]>) => {
    try {
      const found = await read(keys);
      for (const key of keys) for (const waiter of waiters.get(key)!) waiter.resolve(found.get(key));
    } catch (error) {
      for (const key of keys) for (const waiter of waiters.get(key)!) waiter.reject(error);
    }
  };
  const flush = () => {
    scheduled = false;
    const waiters = pending;
    pending = new Map();
    const keys = [...waiters.keys()];
    for (let start = 0; start < keys.length; start += maxKeys) {
      void settle(keys.slice(start, start + maxKeys), waiters);
    }
  };
  return (key) =>
    new Promise<V | undefined>((resolve, reject) => {
      const waiters = pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else pending.set(key, [{ resolve, reject }]);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
