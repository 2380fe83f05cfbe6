import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../db/database';
import { AppError } from '../errors/app-error';
import { assertJsonDepth } from '../input/json-depth';
import { parseText } from '../input/text';
import { parseTimestamp } from '../input/timestamp';
import { parseUuid } from '../input/uuid';
import { resolveCachedLookupId, resolveLookupId } from '../lookups/lookup.service';
import type { CreateInteractionInput, JsonValue } from './interaction.model';

/** An interaction validated and resolved, ready to insert (lookup ids known, JSON serialised, id made). */
export interface PreparedInteraction {
  id: string;
  resourceId: string;
  resourceTypeId: string;
  actionId: string;
  originId: string;
  interaction: string | null;
  /** The value `interaction` serialises, returned as is after the insert (no parse back). */
  interactionValue?: JsonValue | null;
  externalReference: string | null;
  externalResponse: string | null;
  uowId: string;
  userId: string | null;
  interactionTimestamp: Date | null;
}

/** How inputs are prepared. */
export interface PrepareInteractionOptions {
  /** The row's id; a new UUID v7 when absent. Idempotent requests pass the id fixed by their claim. */
  id?: string;
  /** Deepest accepted nesting of `interaction` and `externalResponse` (default 32). */
  maxJsonDepth?: number;
}

export const DEFAULT_MAX_JSON_DEPTH = 32;

/** Most interactions one batch may record. */
export const MAX_BATCH_SIZE = 1000;

/** An escaped NUL (`\u0000`) in JSON text, not preceded by an escaping backslash (an odd run would escape it). */
const JSON_NUL = /(?:^|[^\\])(?:\\\\)*\\u0000/;

/**
 * A JSON payload as the text the insert sends; VALIDATION_ERROR naming `field` when it holds a NUL character in a
 * string or a key, which PostgreSQL's jsonb cannot store (JSON.stringify writes it as the escape `\u0000`).
 */
function jsonParam(value: JsonValue | undefined, field: string): string | null {
  if (value === undefined || value === null) return null;
  const text = JSON.stringify(value);
  if (text.includes('\\u0000') && JSON_NUL.test(text)) {
    throw new AppError('VALIDATION_ERROR', `${field} must not contain the NUL character`, { field });
  }
  return text;
}

/** An optional text field: absent or null → null; else its bounds and the NUL check. */
function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  return value == null ? null : parseText(value, field, { min: 1, max });
}

/** The checks of an input that need no lookup, in the order their errors take precedence. */
function checkedFields(input: CreateInteractionInput, maxJsonDepth: number) {
  assertJsonDepth(input.interaction, 'interaction', maxJsonDepth);
  assertJsonDepth(input.externalResponse, 'externalResponse', maxJsonDepth);
  if (typeof input.resourceId !== 'string') {
    throw new AppError('VALIDATION_ERROR', 'resourceId is required', { field: 'resourceId' });
  }
  return {
    resourceId: parseText(input.resourceId, 'resourceId', { min: 1, max: 512 }),
    externalReference: optionalText(input.externalReference, 'externalReference', 512),
    userId: input.userId === '' ? null : optionalText(input.userId, 'userId', 256),
    // A new unit of work gets a time-ordered UUID (v7), like interaction ids: its entries in the three uow_id
    // indexes are appended at the right edge instead of landing on a random page each (fewer pages dirtied).
    uowId: input.uowId == null || input.uowId === '' ? uuidv7() : parseUuid(input.uowId, 'uowId'),
    interactionTimestamp:
      input.interactionTimestamp == null || input.interactionTimestamp === ''
        ? null
        : parseTimestamp(input.interactionTimestamp, 'interactionTimestamp'),
  };
}

function preparedFrom(
  input: CreateInteractionInput,
  id: string,
  fields: ReturnType<typeof checkedFields>,
  [resourceTypeId, actionId, originId]: [string, string, string],
): PreparedInteraction {
  return {
    id,
    resourceId: fields.resourceId,
    resourceTypeId,
    actionId,
    originId,
    interaction: jsonParam(input.interaction, 'interaction'),
    interactionValue: input.interaction ?? null,
    externalReference: fields.externalReference,
    externalResponse: jsonParam(input.externalResponse, 'externalResponse'),
    uowId: fields.uowId,
    userId: fields.userId,
    interactionTimestamp: fields.interactionTimestamp,
  };
}

/**
 * Validates one input and resolves its lookups (from the lookup cache; a query only for keys it does not hold).
 * Throws the AppError a caller should see: VALIDATION_ERROR, UNKNOWN_LOOKUP or LOOKUP_MISMATCH.
 */
export async function prepareInteraction(
  db: Database,
  input: CreateInteractionInput,
  { id, maxJsonDepth = DEFAULT_MAX_JSON_DEPTH }: PrepareInteractionOptions = {},
): Promise<PreparedInteraction> {
  const fields = checkedFields(input, maxJsonDepth);
  const lookups = await Promise.all([
    resolveLookupId(db, 'resourceType', { mnemonic: input.resourceType, id: input.resourceTypeId }),
    resolveLookupId(db, 'action', { mnemonic: input.action, id: input.actionId }),
    resolveLookupId(db, 'origin', { mnemonic: input.origin, id: input.originId }),
  ]);
  return preparedFrom(input, id ?? uuidv7(), fields, lookups);
}

/**
 * prepareInteraction without waiting, for the usual input whose lookups are all in the lookup cache: the prepared
 * row, or undefined when a lookup must be asked of the database (then prepareInteraction does). Throws the same
 * errors. A large batch costs no promise per item this way.
 */
export function prepareCachedInteraction(
  db: Database,
  input: CreateInteractionInput,
  { id, maxJsonDepth = DEFAULT_MAX_JSON_DEPTH }: PrepareInteractionOptions = {},
): PreparedInteraction | undefined {
  const fields = checkedFields(input, maxJsonDepth);
  const resourceTypeId = resolveCachedLookupId(db, 'resourceType', {
    mnemonic: input.resourceType,
    id: input.resourceTypeId,
  });
  const actionId = resolveCachedLookupId(db, 'action', { mnemonic: input.action, id: input.actionId });
  const originId = resolveCachedLookupId(db, 'origin', { mnemonic: input.origin, id: input.originId });
  if (resourceTypeId === undefined || actionId === undefined || originId === undefined) return undefined;
  return preparedFrom(input, id ?? uuidv7(), fields, [resourceTypeId, actionId, originId]);
}

/** Why one item of a batch was refused, by its index. */
export interface BatchItemError {
  index: number;
  code: string;
  message: string;
  details?: unknown;
}

/** The VALIDATION_ERROR of a batch with bad items: details.errors names each, in index order; nothing is written. */
export function invalidBatch(errors: BatchItemError[], count: number): AppError {
  errors.sort((a, b) => a.index - b.index);
  return new AppError(
    'VALIDATION_ERROR',
    `${errors.length} of ${count} interactions are invalid; nothing was recorded`,
    {
      errors,
    },
  );
}

/**
 * Prepares every input of a batch but those listed in `skip`, collecting each item's error instead of stopping at
 * the first. Synchronously from the lookup cache first; only items naming a lookup it does not hold wait for the
 * database.
 */
async function prepareEach(
  db: Database,
  inputs: readonly CreateInteractionInput[],
  options: (index: number) => PrepareInteractionOptions,
  skip: ReadonlySet<number> = new Set(),
): Promise<{ prepared: PreparedInteraction[]; errors: BatchItemError[] }> {
  const prepared: PreparedInteraction[] = new Array(inputs.length);
  const errors: BatchItemError[] = [];
  const refuse = (index: number, error: unknown) => {
    if (!(error instanceof AppError)) throw error;
    errors.push({
      index,
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    });
  };
  const uncached: number[] = [];
  inputs.forEach((input, index) => {
    if (skip.has(index)) return;
    try {
      const row = prepareCachedInteraction(db, input, options(index));
      if (row) prepared[index] = row;
      else uncached.push(index);
    } catch (error) {
      refuse(index, error);
    }
  });
  const settled = await Promise.allSettled(
    uncached.map((index) => prepareInteraction(db, inputs[index], options(index))),
  );
  settled.forEach((result, i) => {
    if (result.status === 'fulfilled') prepared[uncached[i]] = result.value;
    else refuse(uncached[i], result.reason);
  });
  return { prepared, errors };
}

/**
 * Prepares every input of a batch; any bad one → VALIDATION_ERROR whose details.errors name each bad index (in index
 * order), nothing prepared.
 */
export async function prepareAll(
  db: Database,
  inputs: readonly CreateInteractionInput[],
  options: (index: number) => PrepareInteractionOptions,
): Promise<PreparedInteraction[]> {
  const { prepared, errors } = await prepareEach(db, inputs, options);
  if (errors.length > 0) throw invalidBatch(errors, inputs.length);
  return prepared;
}

export interface ExplainInvalidBatchOptions {
  /** The items as sent, some of them malformed. */
  items: readonly unknown[];
  /** The errors already found in malformed items, by index; those items are not looked at again. */
  refused: readonly BatchItemError[];
  maxJsonDepth?: number;
}

/**
 * The whole account of a batch in which some items were found malformed before it reached the service: their
 * errors plus those of the well-formed items (unknown lookups, mismatches…), so one answer names every bad index.
 */
export async function explainInvalidBatch(
  db: Database,
  { items, refused, maxJsonDepth }: ExplainInvalidBatchOptions,
): Promise<AppError> {
  const skip = new Set(refused.map((error) => error.index));
  const { errors } = await prepareEach(db, items as CreateInteractionInput[], () => ({ maxJsonDepth }), skip);
  return invalidBatch([...refused, ...errors], items.length);
}
