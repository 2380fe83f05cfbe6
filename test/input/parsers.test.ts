import { parseDateRange } from '../../src/input/date-range';
import { GRANULARITY_RULE, granularityForSpan, parseGranularity } from '../../src/input/granularity';
import { tooDeepAt } from '../../src/input/json-depth';
import { LIST_PAGING, parseCursorPaging, parsePaging } from '../../src/input/pagination';
import { parseTimestamp } from '../../src/input/timestamp';

// The one parser of each input concept (src/input/). Routes and resolvers are tested over HTTP elsewhere; these
// pin the rules themselves, including the edges that the copies of 0.1 disagreed on.

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { code: string; details?: { field?: string } }).details?.field ?? 'no field';
  }
  return 'accepted';
};

describe('parseDateRange', () => {
  it('takes a date-only end as the whole UTC day: [start, next midnight)', () => {
    expect(parseDateRange({ startDate: '2024-03-01', endDate: '2024-03-01' })).toEqual({
      start: Date.parse('2024-03-01T00:00:00Z'),
      end: Date.parse('2024-03-02T00:00:00Z'),
      endIsDate: true,
    });
  });

  it('takes a date-time end as inclusive (end + 1 ms, exclusive)', () => {
    expect(parseDateRange({ endDate: '2024-03-01T10:00:00Z' }).end).toBe(Date.parse('2024-03-01T10:00:00.001Z'));
  });

  it.each([
    ['2024-02-30', 'startDate'],
    ['2023-02-29', 'startDate'],
    ['2024-13-01', 'startDate'],
    ['2024-04-31T00:00:00Z', 'startDate'],
    ['2024-01-01T25:00:00Z', 'startDate'],
    ['2024-01-01T10:00:00', 'startDate'],
    ['2024-01-01T10:00:00+24:00', 'startDate'],
    ['yesterday', 'startDate'],
  ])('refuses %s naming the field', (value, field) => {
    expect(fieldOf(() => parseDateRange({ startDate: value }))).toBe(field);
  });

  it('refuses a start after the end, and an exclusive end equal to the start', () => {
    expect(fieldOf(() => parseDateRange({ startDate: '2024-03-02', endDate: '2024-03-01' }))).toBe('startDate');
    expect(fieldOf(() => parseDateRange({ startDate: '2024-03-02T00:00:00Z', endDate: '2024-03-01' }))).toBe(
      'startDate',
    );
    expect(fieldOf(() => parseDateRange({ startDate: '2024-03-01T10:00:00Z', endDate: '2024-03-01T10:00:00Z' }))).toBe(
      'accepted',
    );
  });

  it('honours offsets', () => {
    expect(parseDateRange({ startDate: '2024-03-01T01:30:00+02:30' }).start).toBe(Date.parse('2024-02-29T23:00:00Z'));
  });
});

describe('parseTimestamp', () => {
  it('takes ISO-8601 with a zone and epoch milliseconds', () => {
    expect(parseTimestamp('2024-02-29T23:59:59.999Z', 'ts').toISOString()).toBe('2024-02-29T23:59:59.999Z');
    expect(parseTimestamp('1709251199999', 'ts').toISOString()).toBe('2024-02-29T23:59:59.999Z');
  });

  it('refuses what can only be epoch seconds, saying so', () => {
    expect(() => parseTimestamp('1709251199', 'ts')).toThrow(/epoch seconds/);
  });

  it.each(['2026-02-30T10:00:00Z', '2026-02-28T10:00:00', '0x10', '1e12', '99999999999999999'])(
    'refuses %s',
    (value) => {
      expect(fieldOf(() => parseTimestamp(value, 'ts'))).toBe('ts');
    },
  );
});

describe('paging', () => {
  it('defaults, clamps above the maximum and refuses below 1', () => {
    expect(parsePaging({}, LIST_PAGING)).toEqual({ page: 1, limit: 50, offset: 0 });
    expect(parsePaging({ page: 3, limit: 500 }, LIST_PAGING)).toEqual({ page: 3, limit: 100, offset: 200 });
    expect(fieldOf(() => parsePaging({ limit: 0 }, LIST_PAGING))).toBe('limit');
    expect(fieldOf(() => parsePaging({ page: 1.5 }, LIST_PAGING))).toBe('page');
  });

  it('refuses a cursor with a page', () => {
    const decode = () => ({ page: 4 });
    expect(fieldOf(() => parseCursorPaging({ cursor: 'c', page: 2 }, LIST_PAGING, decode))).toBe('cursor');
    expect(parseCursorPaging({ cursor: 'c', limit: 10 }, LIST_PAGING, decode)).toMatchObject({ page: 5, offset: 0 });
  });
});

describe('granularity', () => {
  it('is chosen from the span and documented from the same table', () => {
    expect(granularityForSpan(6 * 3_600_000)).toBe('15min');
    expect(granularityForSpan(6 * 3_600_000 + 1)).toBe('hour');
    expect(granularityForSpan(15 * 86_400_000)).toBe('day');
    expect(GRANULARITY_RULE).toBe(
      '15min, hour, 6hour or day; chosen from the span when absent (≤ 6 h → 15min, ≤ 2 days → hour, ≤ 14 days → 6hour, else day)',
    );
    expect(fieldOf(() => parseGranularity('week'))).toBe('granularity');
  });
});

describe('tooDeepAt', () => {
  it('names the top-level field of a value nested too deep, without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(tooDeepAt({ ok: { a: 1 }, payload: deep }, 64)).toBe('payload');
    expect(tooDeepAt({ ok: { a: { b: 1 } } }, 3)).toBeNull();
    expect(tooDeepAt({ ok: { a: { b: {} } } }, 3)).toBe('ok');
  });
});
