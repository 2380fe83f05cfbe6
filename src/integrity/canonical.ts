import type { InteractionRecord, JsonValue } from '../interactions/interaction.model';
import { leafHashOfText, writeLeafHashOfTaggedText } from './merkle';

/**
 * The canonical form of a stored interaction (docs/integrity.md, "Canonical form"): what a leaf of a checkpoint's
 * Merkle tree hashes. Every stored field, by its stored value: ids, the number, lookups by id, the JSON fields as
 * parsed, and both timestamps in UTC with millisecond precision.
 */

/** The fields of a row in the order field hints list them (docs/integrity.md); the canonical object sorts its own. */
export const CANONICAL_FIELDS = [
  'id',
  'interactionNumber',
  'resourceId',
  'resourceTypeId',
  'actionId',
  'originId',
  'interaction',
  'externalReference',
  'externalResponse',
  'uowId',
  'userId',
  'createdDate',
  'interactionTimestamp',
] as const;

export type CanonicalField = (typeof CANONICAL_FIELDS)[number];

/** A row as the canonical form sees it: timestamps already as strings (an archive or an export line has them so). */
export type CanonicalRow = Omit<InteractionRecord, 'createdDate' | 'interactionTimestamp'> & {
  createdDate: Date | string;
  interactionTimestamp: Date | string | null;
};

/** Member names as JSON.stringify writes them, remembered: the same few names recur in row after row. */
const NAME_TEXTS = new Map<string, string>();
const MAX_NAME_TEXTS = 10_000;

function nameText(name: string): string {
  let text = NAME_TEXTS.get(name);
  if (text === undefined) {
    text = JSON.stringify(name);
    if (NAME_TEXTS.size < MAX_NAME_TEXTS) NAME_TEXTS.set(name, text);
  }
  return text;
}

/**
 * RFC 8785 (JSON Canonicalization Scheme): object members sorted by their names' UTF-16 code units, no whitespace,
 * strings and numbers as ECMAScript's JSON.stringify writes them. Refuses what JSON cannot hold (NaN, Infinity,
 * undefined), as JCS does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('JCS: numbers must be finite');
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      // Loops and string concatenation rather than map/join: this runs for every row sealed or verified.
      if (Array.isArray(value)) {
        let text = '[';
        for (let i = 0; i < value.length; i += 1) text += (i > 0 ? ',' : '') + canonicalJson(value[i]);
        return `${text}]`;
      }
      const object = value as Record<string, unknown>;
      // The default sort compares strings by UTF-16 code units, which is JCS's order.
      const names = Object.keys(object).sort();
      let text = '{';
      let first = true;
      for (const name of names) {
        const member = object[name];
        if (member === undefined) continue;
        text += `${first ? '' : ','}${nameText(name)}:${canonicalJson(member)}`;
        first = false;
      }
      return `${text}}`;
    }
    default:
      throw new TypeError(`JCS: a ${typeof value} is not JSON`);
  }
}

const CANONICAL_TIMESTAMP = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.\d{3}Z$/;

/**
 * Whether `value` is already what canonicalTimestamp makes of it: the canonical shape, and a time that exists (month
 * 1–12, a day of that month, hour below 24, minutes and seconds below 60). Anything else goes through Date, which
 * rolls 30 February over or refuses it, as it always did.
 */
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isCanonicalTimestamp(value: string): boolean {
  const parts = CANONICAL_TIMESTAMP.exec(value);
  if (!parts) return false;
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number);
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[month - 1]);
}

/** UTC, millisecond precision, `Z`: `2026-12-06T23:54:12.000Z`. Strings are read as dates first (any offset). */
export function canonicalTimestamp(value: Date | string): string {
  // Already in the canonical form (an export's or an archive's timestamps are): as it is. A date that does not exist
  // (30 February) passes as written, and then hashes unlike any sealed row.
  if (typeof value === 'string' && isCanonicalTimestamp(value)) return value;
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new TypeError(`not a timestamp: ${String(value)}`);
  return date.toISOString();
}

/** The canonical values of a row's fields, by name. */
export function canonicalValues(row: CanonicalRow): Record<CanonicalField, JsonValue> {
  return {
    id: row.id.toLowerCase(),
    interactionNumber: Number(row.interactionNumber),
    resourceId: row.resourceId,
    resourceTypeId: row.resourceTypeId.toLowerCase(),
    actionId: row.actionId.toLowerCase(),
    originId: row.originId.toLowerCase(),
    interaction: row.interaction ?? null,
    externalReference: row.externalReference ?? null,
    externalResponse: row.externalResponse ?? null,
    uowId: row.uowId.toLowerCase(),
    userId: row.userId ?? null,
    createdDate: canonicalTimestamp(row.createdDate),
    interactionTimestamp: row.interactionTimestamp === null ? null : canonicalTimestamp(row.interactionTimestamp),
  };
}

/** Member names in JCS order (all ASCII, so code-unit order is plain string order). */
const SORTED_FIELDS = [...CANONICAL_FIELDS].sort();

/** For each member in JCS order: where its text is in canonicalParts' array, and the `"name":` before it. */
const MEMBERS = SORTED_FIELDS.map((field, i) => ({
  at: CANONICAL_FIELDS.indexOf(field),
  prefix: `${i === 0 ? '' : ','}"${field}":`,
}));

/** A string or null as JCS writes it (anything else a file may hold there, as JCS writes that). */
function textOrNull(value: string | null | undefined): string {
  if (value === null || value === undefined) return 'null';
  return typeof value === 'string' ? JSON.stringify(value) : canonicalJson(value);
}

/** A JSON field as JCS writes it (absent is null). */
function jsonOrNull(value: JsonValue | null | undefined): string {
  return value === null || value === undefined ? 'null' : canonicalJson(value);
}

/**
 * The JCS text of each field's canonical value (canonicalValues), in CANONICAL_FIELDS order; written directly rather
 * than through canonicalValues' object, as this runs for every row sealed or verified.
 */
function canonicalParts(row: CanonicalRow): string[] {
  return [
    JSON.stringify(row.id.toLowerCase()),
    canonicalJson(Number(row.interactionNumber)),
    JSON.stringify(row.resourceId),
    JSON.stringify(row.resourceTypeId.toLowerCase()),
    JSON.stringify(row.actionId.toLowerCase()),
    JSON.stringify(row.originId.toLowerCase()),
    jsonOrNull(row.interaction),
    textOrNull(row.externalReference),
    jsonOrNull(row.externalResponse),
    JSON.stringify(row.uowId.toLowerCase()),
    textOrNull(row.userId),
    `"${canonicalTimestamp(row.createdDate)}"`,
    row.interactionTimestamp === null ? 'null' : `"${canonicalTimestamp(row.interactionTimestamp)}"`,
  ];
}

/**
 * The pieces of a row's text: `{` and each member's `"name":` before its value, `}` last; the values' places are filled
 * per row and the whole joined at once, so that the text is one flat string (hashing a string built by 26
 * concatenations first copies it out of the tree of pieces V8 keeps for it).
 */
const PIECES: string[] = [...MEMBERS.flatMap(({ prefix }, i) => [i === 0 ? `{${prefix}` : prefix, '']), '}'];
/** The same, after the U+0000 (the byte 0x00) a leaf hash starts with. */
const TAGGED_PIECES: string[] = PIECES.slice();
TAGGED_PIECES[0] = `\u0000${PIECES[0]}`;

function joinPieces(pieces: string[], parts: string[]): string {
  for (let i = 0; i < MEMBERS.length; i += 1) pieces[2 * i + 1] = parts[MEMBERS[i].at];
  const text = pieces.join('');
  for (let i = 0; i < MEMBERS.length; i += 1) pieces[2 * i + 1] = '';
  return text;
}

/** The row object's JCS text from its fields' texts: `{"actionId":…,…,"userId":…}`. */
function rowText(parts: string[]): string {
  return joinPieces(PIECES, parts);
}

/** The bytes a row's leaf hashes: UTF-8 of the JCS form of its canonical values. */
export function canonicalRowBytes(row: CanonicalRow): Buffer {
  return Buffer.from(rowText(canonicalParts(row)), 'utf8');
}

/**
 * A row's leaf hash and field hints from its fields' JCS texts (CANONICAL_FIELDS order), written at `index` into
 * `leaves` (32 bytes a row) and `hints` (FIELD_HINT_BYTES per field): the sealer's fast path (sealed-rows.ts), whose
 * field texts PostgreSQL writes. The same rowText and hints as rowDigest, without an object or a Buffer per row.
 */
export function writeDigestOfParts(parts: string[], leaves: Buffer, hints: Buffer, index: number): void {
  writeLeafHashOfTaggedText(joinPieces(TAGGED_PIECES, parts), leaves, index * 32);
  const at = index * CANONICAL_FIELDS.length * FIELD_HINT_BYTES;
  for (let i = 0; i < parts.length; i += 1) hints.writeUInt16BE(fnv1a(parts[i]) & 0xffff, at + i * FIELD_HINT_BYTES);
}

/** Bytes per field in a row's field hints. */
export const FIELD_HINT_BYTES = 2;

/** FNV-1a (32-bit) over the UTF-16 code units of `text`: cheap, and enough to tell which field changed. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function hintsOf(parts: string[]): Buffer {
  const hints = Buffer.allocUnsafe(CANONICAL_FIELDS.length * FIELD_HINT_BYTES);
  for (let i = 0; i < parts.length; i += 1) hints.writeUInt16BE(fnv1a(parts[i]) & 0xffff, i * FIELD_HINT_BYTES);
  return hints;
}

/**
 * For each field in CANONICAL_FIELDS order, the low 16 bits of FNV-1a-32 over the UTF-16 code units of its JCS text,
 * big-endian. Stored beside a leaf so that verification can name which field of an altered row changed; they prove
 * nothing themselves (the leaf does), so a fast hash is enough.
 */
export function fieldHints(row: CanonicalRow): Buffer {
  return hintsOf(canonicalParts(row));
}

/** A row's leaf hash and field hints, serialising it once (sealing and verifying). */
export function rowDigest(row: CanonicalRow): { leaf: Buffer; hints: Buffer } {
  const parts = canonicalParts(row);
  return { leaf: leafHashOfText(rowText(parts)), hints: hintsOf(parts) };
}

/** A row's leaf hash, and its field hints computed only if asked (verifying: they are needed only on a mismatch). */
export function rowLeaf(row: CanonicalRow): { leaf: Buffer; hints: () => Buffer } {
  const parts = canonicalParts(row);
  return { leaf: leafHashOfText(rowText(parts)), hints: () => hintsOf(parts) };
}

/** The fields whose hints differ between two hint buffers (what changed in an altered row, as far as hints tell). */
export function changedFields(stored: Buffer, current: Buffer): CanonicalField[] {
  return CANONICAL_FIELDS.filter((_, i) => {
    const at = i * FIELD_HINT_BYTES;
    return !stored.subarray(at, at + FIELD_HINT_BYTES).equals(current.subarray(at, at + FIELD_HINT_BYTES));
  });
}

/** Rows digested between two yields to the event loop: a few milliseconds of hashing, then requests run. */
const DIGEST_SLICE = 500;

/**
 * rowDigest of every row, giving the event loop a turn every DIGEST_SLICE rows, so that sealing or verifying a large
 * range inside the service never holds requests back for longer than one slice.
 */
export async function rowDigests(rows: readonly CanonicalRow[]): Promise<{ leaf: Buffer; hints: Buffer }[]> {
  const digests: { leaf: Buffer; hints: Buffer }[] = [];
  for (let i = 0; i < rows.length; i += 1) {
    if (i > 0 && i % DIGEST_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    digests.push(rowDigest(rows[i]));
  }
  return digests;
}
