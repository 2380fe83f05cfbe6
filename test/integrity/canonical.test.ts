/**
 * The canonical form (docs/integrity.md): RFC 8785 JCS, checked against the RFC's own examples, and a row's canonical
 * bytes, spelled out here byte for byte so that a change of the format cannot pass unnoticed.
 */
import {
  canonicalJson,
  canonicalRowBytes,
  canonicalTimestamp,
  changedFields,
  fieldHints,
} from '../../src/integrity/canonical';

describe('RFC 8785 canonical JSON', () => {
  it('sorts members by UTF-16 code units, recursively, and writes numbers as ECMAScript does', () => {
    // RFC 8785 3.2.3, "Sorting of Object Properties".
    const sorting = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const order = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'] as const;
    expect(canonicalJson(sorting)).toBe(
      `{${order.map((name) => `${JSON.stringify(name)}:${JSON.stringify(sorting[name])}`).join(',')}}`,
    );
    // RFC 8785 3.2.2.3, number serialisation samples.
    expect(canonicalJson([333333333.3333333, 1e30, 4.5, 0.002, 1e-27, -0, 9007199254740992])).toBe(
      '[333333333.3333333,1e+30,4.5,0.002,1e-27,0,9007199254740992]',
    );
    expect(canonicalJson({ b: [1, { d: true, c: null }], a: 'x\u2028"' })).toBe(
      '{"a":"x\u2028\\"","b":[1,{"c":null,"d":true}]}',
    );
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ a: Infinity })).toThrow(TypeError);
    expect(() => canonicalJson(() => 1)).toThrow(TypeError);
  });
});

describe('canonical row', () => {
  const row = {
    id: '0193A2B4-0000-7000-8000-000000000001',
    interactionNumber: 42,
    resourceId: 'order-1',
    resourceTypeId: '00000000-0000-0000-0000-00000000000a',
    actionId: '00000000-0000-0000-0000-00000000000b',
    originId: '00000000-0000-0000-0000-00000000000c',
    interaction: { z: 1, a: [true, null] },
    externalReference: null,
    externalResponse: null,
    uowId: '00000000-0000-0000-0000-00000000000d',
    userId: 'u1',
    createdDate: new Date('2026-12-06T10:11:12.345Z'),
    interactionTimestamp: '2026-12-06T11:11:12.3+01:00',
  };

  it('is the JCS form of every stored field, ids in lower case and times in UTC milliseconds', () => {
    expect(canonicalRowBytes(row).toString('utf8')).toBe(
      '{"actionId":"00000000-0000-0000-0000-00000000000b","createdDate":"2026-12-06T10:11:12.345Z",' +
        '"externalReference":null,"externalResponse":null,"id":"0193a2b4-0000-7000-8000-000000000001",' +
        '"interaction":{"a":[true,null],"z":1},"interactionNumber":42,' +
        '"interactionTimestamp":"2026-12-06T10:11:12.300Z","originId":"00000000-0000-0000-0000-00000000000c",' +
        '"resourceId":"order-1","resourceTypeId":"00000000-0000-0000-0000-00000000000a",' +
        '"uowId":"00000000-0000-0000-0000-00000000000d","userId":"u1"}',
    );
  });

  it('field hints name the fields that changed', () => {
    const before = fieldHints(row);
    expect(changedFields(before, fieldHints({ ...row, interaction: { z: 2, a: [true, null] } }))).toEqual([
      'interaction',
    ]);
    expect(changedFields(before, fieldHints({ ...row, actionId: row.originId, userId: null }))).toEqual([
      'actionId',
      'userId',
    ]);
    expect(changedFields(before, fieldHints({ ...row, interaction: { a: [true, null], z: 1 } }))).toEqual([]);
  });
});

describe('canonical timestamps', () => {
  // Strings already in the canonical shape skip Date; they must come out exactly as Date makes them, or be refused.
  it.each([
    '2026-12-06T23:54:12.000Z',
    '2024-02-29T10:00:00.000Z',
    '2000-02-29T00:00:00.000Z',
    '2100-02-29T00:00:00.000Z',
    '2026-02-30T00:00:00.000Z',
    '2026-04-31T00:00:00.000Z',
    '2026-01-01T24:00:00.000Z',
    '2026-13-01T00:00:00.000Z',
    '2026-00-10T00:00:00.000Z',
    '2026-01-01T00:60:00.000Z',
    '0001-01-01T00:00:00.000Z',
    '2026-12-06T23:54:12+01:00',
    '2026-12-06T23:54:12.5Z',
  ])('%s comes out as Date makes it', (value) => {
    const viaDate = Number.isNaN(new Date(value).getTime()) ? 'refused' : new Date(value).toISOString();
    let canonical: string;
    try {
      canonical = canonicalTimestamp(value);
    } catch {
      canonical = 'refused';
    }
    expect(canonical).toBe(viaDate);
  });
});
