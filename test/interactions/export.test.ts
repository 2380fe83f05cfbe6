import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  exportInteractions,
  exportText,
  csvField,
  EXPORT_CSV_COLUMNS,
} from '../../src/interactions/interaction.export';
import type { InteractionFilter } from '../../src/interactions/interaction.filter';
import { findInteractions } from '../../src/interactions/interaction.find';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { createLookupRow, insertInteraction, SYSTEM } from '../helpers/factories';

let test: TestDatabase;
const queries: string[] = [];
beforeAll(async () => {
  test = await createTestDatabase((sql) => queries.push(sql));
  const order = (await createLookupRow(test.db, 'resourceType', { mnemonic: 'ORDER', icon: '📦' })).id;
  const user = (await createLookupRow(test.db, 'resourceType', { mnemonic: 'USER' })).id;
  // 45 rows over three days, several in the same millisecond (ties broken by number), with hostile text and JSON.
  for (let i = 0; i < 45; i += 1) {
    await insertInteraction(test.db, {
      resourceTypeId: i % 3 === 0 ? user : order,
      actionId: i % 2 ? SYSTEM.actions.UPDATE : SYSTEM.actions.CREATE,
      resourceId: i % 5 === 0 ? 'r,"1"\nline' : `r-${i % 4}`,
      userId: i % 7 === 0 ? 'Zoë 🚀' : null,
      interaction: i % 2 ? { text: 'a,"b"\r\nc', nested: { list: [i, { deep: 'ü' }] } } : null,
      externalResponse: i % 9 === 0 ? ['ok', null] : undefined,
      createdDate: new Date(Date.UTC(2026, 0, 1 + (i % 3), 12, 0, 0, Math.floor(i / 2))),
    });
  }
});
afterAll(() => test.close());

async function listAll(filter: InteractionFilter) {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await findInteractions(test.db, cursor ? { filter, cursor, limit: 7 } : { filter, limit: 7 });
    ids.push(...page.items.map((item) => item.id));
    cursor = page.pagination.nextCursor;
  } while (cursor);
  return ids;
}

async function collect(source: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of source) text += chunk;
  return text;
}

/** Splits CSV text (RFC 4180) into records of fields. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i += 1;
    } else if (quoted && c === '"') {
      quoted = false;
    } else if (quoted) {
      field += c;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 1;
    } else {
      field += c;
    }
  }
  return records;
}

describe.each<[string, InteractionFilter]>([
  ['no filter', {}],
  ['a resource type and an action', { resourceType: 'ORDER', action: 'UPDATE' }],
  ['a resource id', { resourceId: 'r,"1"\nline' }],
  ['a user and a date range', { userId: 'Zoë 🚀', startDate: '2026-01-02', endDate: '2026-01-03' }],
])('export with %s', (_name, filter) => {
  it('NDJSON: every match in the list order, one list item a line, in chunks', async () => {
    const text = await collect(exportText(test.db, { filter, format: 'ndjson', chunkSize: 4 }));
    const items = text
      .trimEnd()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(items.map((item) => item.interactionId)).toEqual(await listAll(filter));
    expect(text.endsWith('\n') || text === '').toBe(true);
  });

  it('CSV: a header, then the same rows, quoted by RFC 4180, JSON columns as JSON text', async () => {
    const text = await collect(exportText(test.db, { filter, format: 'csv', chunkSize: 4 }));
    const [header, ...records] = parseCsv(text);
    expect(header).toEqual(EXPORT_CSV_COLUMNS);
    const col = (name: string) => header.indexOf(name);
    expect(records.map((r) => r[col('interactionId')])).toEqual(await listAll(filter));
    const ndjson = (await collect(exportText(test.db, { filter, format: 'ndjson' })))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    records.forEach((record, i) => {
      const item = ndjson[i];
      expect(record[col('resourceId')]).toBe(item.resourceId);
      expect(record[col('userId')]).toBe(item.userId ?? '');
      expect(record[col('interaction')]).toBe(item.interaction === null ? '' : JSON.stringify(item.interaction));
      expect(record[col('interactionNumber')]).toBe(String(item.interactionNumber));
      expect(record[col('resourceTypeMnemonic')]).toBe(item.resourceTypeMnemonic);
    });
  });
});

describe('export internals', () => {
  it('csvField quotes only what needs it and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField({ a: 'x,"y"' }, true)).toBe('"{""a"":""x,\\""y\\""""}"');
    expect(csvField('Zoë 🚀')).toBe('Zoë 🚀');
  });

  it('reads a chunk only when the consumer asks for one (backpressure on a slow reader)', async () => {
    const reads = () =>
      queries.filter((sql) => /ORDER BY created_date DESC, interaction_number DESC LIMIT 5\b/.test(sql)).length;
    const start = reads();
    const source = Readable.from(exportText(test.db, { format: 'ndjson', chunkSize: 5 }), { highWaterMark: 1 });
    let release: () => void = () => undefined;
    let received = 0;
    const slow = new Writable({
      highWaterMark: 1,
      write(_chunk, _encoding, done) {
        received += 1;
        // The first chunk is held until released: the reader is stalled.
        if (received === 1) release = () => done();
        else done();
      },
    });
    const done = pipeline(source, slow);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const whileStalled = reads() - start;
    // One chunk being written, at most one buffered in the readable and one being read: never all nine.
    expect(whileStalled).toBeLessThanOrEqual(3);
    release();
    await done;
    expect(reads() - start).toBe(10);
    expect(received).toBe(9);
  });

  it('stops reading when the consumer goes away', async () => {
    const chunks = exportInteractions(test.db, { chunkSize: 5 });
    const first = await chunks.next();
    expect(first.value).toHaveLength(5);
    await chunks.return(undefined);
    expect((await chunks.next()).done).toBe(true);
  });
});
