import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Pool from '../../src/integrity/seal-digest-pool';
import { digestRowTexts } from '../../src/integrity/sealed-rows';

// A backlog seal digests each range on worker threads, a slice each (seal-digest-pool.ts). Workers run only from the
// compiled service (dist/, built by `npm test`'s pretest), so this loads the pool from there and compares it with
// the digest on this thread, byte for byte.

const DIST = path.resolve(__dirname, '../../dist/integrity/seal-digest-pool.js');

/** A fraction of a second as JSON writes a timestamp's: trailing zeros dropped, none at all for zero. */
const fraction = (ms: number) => (ms === 0 ? '' : `.${String(ms).padStart(3, '0').replace(/0+$/, '')}`);

/** Row texts as SEAL_ROW_COLUMN writes them (sealed-rows.ts): 13 field texts and the feed_xid, joined by U+0001. */
function rowText(i: number): string {
  const hex = (n: number) => n.toString(16).padStart(12, '0');
  const json = [
    `{"note": "row ${i}", "step": ${i}, "amount": ${i}.5}`,
    `{"a": {"z": [1, 2.50, "é\\n"], "b": null}, "ü": true}`,
    `{"big": 1e30, "neg": -0.0001}`,
  ][i % 3];
  return [
    `"0193a2b4-0000-7000-8000-${hex(i)}"`,
    String(i + 1),
    `"res-${i % 7}"`,
    '"11111111-1111-4111-8111-111111111111"',
    '"22222222-2222-4222-8222-222222222222"',
    '"33333333-3333-4333-8333-333333333333"',
    json,
    i % 2 ? 'null' : `"ext-${i}"`,
    i % 5 ? 'null' : '{"status": 200}',
    `"44444444-4444-4444-8444-${hex(i % 13)}"`,
    i % 4 ? `"user-${i}"` : 'null',
    `"2026-12-0${1 + (i % 9)}T10:11:12${fraction(i % 1000)}"`,
    i % 3 ? 'null' : '"2026-12-01T00:00:00"',
    String(1000 + Math.floor(i / 100)),
  ].join('\u0001');
}

const built = existsSync(DIST);
(built ? describe : describe.skip)('the seal digest pool (compiled)', () => {
  let pool: typeof Pool;
  beforeAll(async () => {
    pool = (await import(DIST)) as typeof Pool;
  });

  it('digests a range on two worker threads exactly as this thread does', async () => {
    const rows = Array.from({ length: 2_501 }, (_, i) => ({ t: rowText(i) }));
    const digester = pool.sealDigester(2);
    try {
      expect(digester).not.toBe(pool.inThreadDigester);
      const here = await digestRowTexts(rows);
      const there = await digester.digest(rows);
      expect(there).not.toBeNull();
      expect({ rowCount: there!.rowCount, through: there!.through, cursor: there!.cursor }).toEqual({
        rowCount: here!.rowCount,
        through: here!.through,
        cursor: here!.cursor,
      });
      for (const column of ['ids', 'numbers', 'createdDates', 'leafHashes', 'fieldHints'] as const) {
        expect(Buffer.from(there!.block[column]).toString('hex')).toBe(here!.block[column].toString('hex'));
      }
      // A row the SQL could not write (NULL) in either slice: the whole range goes the reference way.
      expect(await digester.digest(rows.map((row, i) => (i === 2_000 ? { t: null } : row)))).toBeNull();
      // A digest that fails in a worker (a number JCS refuses) fails the range, and the pool still digests after.
      const refused = rows.map((row, i) => (i === 9 ? { t: row.t.replace('"step": 9,', '"step": 1e999,') } : row));
      expect(refused[9].t).toContain('1e999');
      await expect(digester.digest(refused)).rejects.toThrow(/finite/);
      expect((await digester.digest(rows))!.rowCount).toBe(rows.length);
    } finally {
      await digester.close();
    }
  });

  it('after a worker crashes, fails what it owed and digests every later range on this thread', async () => {
    // A worker that throws outside any promise on its first message: the thread dies ('error', then 'exit').
    const dir = mkdtempSync(path.join(os.tmpdir(), 'seal-digest-'));
    const crashing = path.join(dir, 'crashing.worker.js');
    writeFileSync(
      crashing,
      "require('node:worker_threads').parentPort.on('message', () => { throw new Error('boom'); });",
    );
    const rows = Array.from({ length: 2_000 }, (_, i) => ({ t: rowText(i) }));
    const digester = pool.sealDigester(2, crashing);
    try {
      await expect(digester.digest(rows)).rejects.toThrow(/boom|stopped/);
      const here = await digestRowTexts(rows);
      // Before the fallback, this waited forever for the dead worker: fail in 10 s instead.
      let timer: NodeJS.Timeout | undefined;
      const after = await Promise.race([
        digester.digest(rows),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('the digest after a crash never ended')), 10_000);
        }),
      ]).finally(() => clearTimeout(timer));
      expect(after!.block.leafHashes.toString('hex')).toBe(here!.block.leafHashes.toString('hex'));
    } finally {
      await digester.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps a single thread, and small ranges, on this thread', async () => {
    expect(pool.sealDigester(1)).toBe(pool.inThreadDigester);
    const digester = pool.sealDigester(2);
    try {
      const rows = Array.from({ length: 10 }, (_, i) => ({ t: rowText(i) }));
      const here = await digestRowTexts(rows);
      expect((await digester.digest(rows))!.block.leafHashes.toString('hex')).toBe(
        here!.block.leafHashes.toString('hex'),
      );
    } finally {
      await digester.close();
    }
  });
});
