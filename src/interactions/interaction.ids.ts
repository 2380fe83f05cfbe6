import { v7 as uuidv7 } from 'uuid';

/**
 * Ids (UUID v7) for the interactions of one request. They share one millisecond — and so one created_date, which is
 * the id's time (ADR 030) — as a batch's rows shared one `now()` before, and stay in request order by their counter
 * (`seq`, started at a random value so two requests of the same millisecond do not collide; the random bits after it
 * differ anyway).
 */
export function requestIds(count: number, msecs = Date.now()): string[] {
  const start = Math.floor(Math.random() * 0x40000000);
  return Array.from({ length: count }, (_, i) => uuidv7({ msecs, seq: start + i }));
}
