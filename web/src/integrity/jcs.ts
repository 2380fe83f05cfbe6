/**
 * RFC 8785 (JCS) for what the console signs-checks: a checkpoint body, whose members are strings and integers. Members
 * sorted by their names' UTF-16 code units, no whitespace, strings and numbers as JSON.stringify writes them (which is
 * JCS's serialisation of both). Nested objects and arrays are canonicalised the same way.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('JCS: numbers must be finite');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, member]) => member !== undefined);
    // Comparing strings with < is comparing UTF-16 code units: JCS's order.
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, member]) => `${JSON.stringify(name)}:${canonicalJson(member)}`).join(',')}}`;
  }
  throw new TypeError(`JCS: a ${typeof value} is not JSON`);
}
