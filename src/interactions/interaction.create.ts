import type { Database } from '../db/database';
import { translateDatabaseError } from '../db/errors';
import { AppError, httpStatusFor } from '../errors/app-error';
import { claimIdempotencyKey, releaseIdempotencyKey, requestHash } from '../idempotency/idempotency.service';
import { insertInteractions, type InteractionWriter } from './interaction.insert';
import type { CreateInteractionInput, InteractionRecord } from './interaction.model';
import { requestIds } from './interaction.ids';
import { MAX_BATCH_SIZE, prepareAll, prepareInteraction, type PreparedInteraction } from './interaction.prepare';

/** An `Idempotency-Key` and whose it is: keys are per API key. */
export interface IdempotencyOptions {
  apiKeyId: string;
  key: string;
}

/**
 * What a refused insert means for its caller: a vanished lookup (foreign key) is UNKNOWN_LOOKUP, refused data a
 * VALIDATION_ERROR, a lost connection UNAVAILABLE; null for anything else (a bug).
 */
export function insertErrorToAppError(error: unknown): AppError | null {
  return translateDatabaseError(error, {
    foreignKey: () => new AppError('UNKNOWN_LOOKUP', 'A lookup named by the interaction no longer exists'),
  });
}

/** Runs an insert, rethrowing what it refused as the AppError its caller should see. */
async function inserted<T>(insert: Promise<T>): Promise<T> {
  try {
    return await insert;
  } catch (error) {
    throw insertErrorToAppError(error) ?? error;
  }
}

export interface CreateInteractionOptions {
  input: CreateInteractionInput;
  /** Default: one INSERT per call. The app passes its coalescer, which groups concurrent creates. */
  writer?: InteractionWriter;
  /** With a key, a retry with the same input within 24 h returns the original row without writing. */
  idempotency?: IdempotencyOptions | null;
  maxJsonDepth?: number;
}

/** Records one interaction and returns it as stored (after commit). */
export async function createInteraction(
  db: Database,
  { input, writer, idempotency, maxJsonDepth }: CreateInteractionOptions,
): Promise<InteractionRecord> {
  if (idempotency) {
    const [row] = await writeIdempotently(db, idempotency, input, 1, async ([id]) => [
      await prepareInteraction(db, input, { id, maxJsonDepth }),
    ]);
    return row;
  }
  const prepared = await prepareInteraction(db, input, { maxJsonDepth });
  if (writer) return writer.write(prepared);
  const [row] = await inserted(insertInteractions(db.sql, [prepared]));
  return row;
}

export interface CreateInteractionsOptions {
  inputs: readonly CreateInteractionInput[];
  /** With a key, a retry of the same batch within 24 h returns the original rows without writing. */
  idempotency?: IdempotencyOptions | null;
  maxJsonDepth?: number;
}

/**
 * Records up to MAX_BATCH_SIZE interactions atomically: every item is validated first (any bad item →
 * VALIDATION_ERROR whose details.errors name each bad index, nothing written), then one multi-row insert.
 * Returns the stored rows in input order.
 */
export async function createInteractions(
  db: Database,
  { inputs, idempotency, maxJsonDepth }: CreateInteractionsOptions,
): Promise<InteractionRecord[]> {
  if (inputs.length === 0) {
    throw new AppError('VALIDATION_ERROR', 'interactions must hold at least one item', { field: 'interactions' });
  }
  if (inputs.length > MAX_BATCH_SIZE) {
    throw new AppError('VALIDATION_ERROR', `interactions must hold at most ${MAX_BATCH_SIZE} items`, {
      field: 'interactions',
      count: inputs.length,
    });
  }
  if (idempotency) {
    return writeIdempotently(db, idempotency, inputs, inputs.length, (ids) =>
      prepareAll(db, inputs, (index) => ({ id: ids[index], maxJsonDepth })),
    );
  }
  const ids = requestIds(inputs.length);
  const prepared = await prepareAll(db, inputs, (index) => ({ id: ids[index], maxJsonDepth }));
  return inserted(insertInteractions(db.sql, prepared));
}

/**
 * Writes `inputs` at most once per idempotency key. The claim fixes the rows' ids, so a replay, a concurrent
 * duplicate or a retry after a crash all write (or find) the same rows; the same key with another body is a
 * CONFLICT. A request refused with a 4xx releases a fresh claim, so a corrected retry may use the key.
 */
async function writeIdempotently(
  db: Database,
  { apiKeyId, key }: IdempotencyOptions,
  body: unknown,
  count: number,
  prepare: (ids: string[]) => Promise<PreparedInteraction[]>,
): Promise<InteractionRecord[]> {
  const claim = await claimIdempotencyKey(db, { apiKeyId, key, hash: requestHash(body), count });
  try {
    const prepared = await prepare(claim.ids);
    return await inserted(insertInteractions(db.sql, prepared, { idsMayExist: true }));
  } catch (error) {
    if (claim.fresh && error instanceof AppError && httpStatusFor(error.code) < 500) {
      await releaseIdempotencyKey(db, { apiKeyId, key });
    }
    throw error;
  }
}
