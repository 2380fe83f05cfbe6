import { AppError } from '../errors/app-error';

/**
 * A place in the live feed: the id of the transaction that wrote a row, then its interaction number. Feed order is
 * this pair's order; it is safe to resume from because the feed hands out a row only once every transaction with a
 * lower id has ended (docs/adr/100-live-feed.md).
 */
export interface FeedPosition {
  xid: bigint;
  number: number;
}

/** Before every row: `after=0` replays the whole log. */
export const FEED_START: FeedPosition = { xid: 0n, number: 0 };

/** A cursor other than `0`: `<xid>-<number>`, the transaction id and the number as decimals. */
export const FEED_CURSOR_PATTERN = /^(\d{1,19})-(\d{1,16})$/;

/** The cursor of a position as clients see and send it (`<xid>-<number>`, opaque to them). */
export function formatFeedCursor(position: FeedPosition): string {
  return `${position.xid}-${position.number}`;
}

/** A cursor sent by a client (`after`, `Last-Event-ID`): `0` for the start, else `<xid>-<number>`; 400 otherwise. */
export function parseFeedCursor(value: string, field = 'after'): FeedPosition {
  if (value === '0') return FEED_START;
  const match = FEED_CURSOR_PATTERN.exec(value);
  const number = match ? Number(match[2]) : NaN;
  if (!match || !Number.isSafeInteger(number)) {
    throw new AppError('VALIDATION_ERROR', `${field} must be a feed cursor (an event id) or 0 for the start`, {
      field,
    });
  }
  return { xid: BigInt(match[1]), number };
}

/** Negative when `a` comes before `b` in the feed, 0 when equal, positive after. */
export function compareFeedPositions(a: FeedPosition, b: FeedPosition): number {
  if (a.xid !== b.xid) return a.xid < b.xid ? -1 : 1;
  return a.number - b.number;
}
