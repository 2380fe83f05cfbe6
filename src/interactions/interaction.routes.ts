import {
  RestCreateInteractionDocument,
  RestCreateInteractionsDocument,
  RestGetInteractionDocument,
  RestListInteractionsDocument,
  type CreateInteractionInput,
} from '../generated/graphql';
import { LIST_PAGING } from '../input/pagination';
import { PARAMS, ref } from '../rest/schema';
import { INTERACTION_SCHEMAS } from './interaction.schemas';
import { operationRoute, type RestParam, type RestRoute, type RouteRequest } from '../rest/route';
import { FILTER_NAMES, FILTER_DESCRIPTIONS, INTERACTION_FILTERS, type InteractionFilter } from './interaction.filter';
import { presentInteractionListItem } from './interaction.presenter';
import { explainInvalidBatch, type BatchItemError } from './interaction.prepare';

/** The list's filters as REST query parameters, from the one declaration of the filters. */
export const FILTER_PARAMS: RestParam[] = FILTER_NAMES.map((name) =>
  PARAMS.query(
    name,
    FILTER_DESCRIPTIONS[name],
    name in INTERACTION_FILTERS ? INTERACTION_FILTERS[name as keyof typeof INTERACTION_FILTERS].schema : undefined,
  ),
);

/** The filter of a request whose query carries the list's filter parameters (validated strings). */
export function filterOf({ query }: RouteRequest, names: readonly string[] = FILTER_NAMES): InteractionFilter {
  const filter: Record<string, string> = {};
  for (const name of names) if (typeof query[name] === 'string') filter[name] = query[name];
  return filter;
}

/** The body fields of a create, as the CreateInteraction schema documents them. */
const BODY_FIELDS = Object.keys(INTERACTION_SCHEMAS.CreateInteraction.properties) as (keyof CreateInteractionInput)[];

/** Headers of the create routes (on the batch route they apply to items that do not carry their own). */
const CREATE_HEADERS = [
  {
    ...PARAMS.header(
      'x-uowid',
      'Unit of work (trace) this interaction belongs to; a new UUID when absent.',
      uuidSchema(),
    ),
    field: 'uowId',
  },
  { ...PARAMS.header('x-userid', 'Who acted.'), field: 'userId' },
  {
    ...PARAMS.header(
      'x-interaction-timestamp',
      'When it happened: ISO-8601 date-time with a zone, or epoch milliseconds.',
    ),
    field: 'interactionTimestamp',
  },
  {
    ...PARAMS.header(
      'Idempotency-Key',
      'Retries with the same key (1–255 printable characters, per API key) and body within 24 h return the original result instead of recording again; a different body → 409.',
      { type: 'string', minLength: 1, maxLength: 255 },
    ),
    field: 'idempotencyKey',
  },
];

function uuidSchema() {
  return { type: 'string', format: 'uuid' };
}

/** A create body's fields plus the x-uowid, x-userid and x-interaction-timestamp headers (an item's own value wins). */
function createInputOf(fields: Record<string, unknown>, headers: RouteRequest['headers']): CreateInteractionInput {
  const input: Record<string, unknown> = {};
  for (const name of BODY_FIELDS) if (fields[name] !== undefined) input[name] = fields[name];
  input.uowId = fields.uowId ?? headers['x-uowid'];
  input.userId = fields.userId ?? headers['x-userid'];
  input.interactionTimestamp = fields.interactionTimestamp ?? headers['x-interaction-timestamp'];
  return input as unknown as CreateInteractionInput;
}

/** `interactions[3].resourceId` → item 3, field `resourceId`; null for an issue outside the items. */
function itemIssue(field: string): { index: number; field: string } | null {
  const match = /^interactions\[(\d+)\](?:\.(.+))?$/.exec(field);
  return match ? { index: Number(match[1]), field: match[2] ?? '' } : null;
}

/** REST routes of the interactions domain. */
export const interactionRoutes: RestRoute[] = [
  operationRoute({
    method: 'post',
    path: '/api/interactions',
    summary: 'Record an interaction',
    scope: 'write',
    params: CREATE_HEADERS,
    body: ref('CreateInteraction'),
    errors: ['VALIDATION_ERROR', 'UNKNOWN_LOOKUP', 'LOOKUP_MISMATCH', 'CONFLICT', 'PAYLOAD_TOO_LARGE'],
    operation: RestCreateInteractionDocument,
    variables: ({ body, headers }) => ({
      input: createInputOf(body as Record<string, unknown>, headers),
      idempotencyKey: headers['idempotency-key'],
    }),
    present: (data) => data.createInteraction,
    status: 201,
    response: ref('CreatedInteraction'),
  }),
  operationRoute({
    method: 'post',
    path: '/api/interactions/batch',
    summary: 'Record up to 1,000 interactions atomically (all or none), answered in input order',
    scope: 'write',
    description:
      'Items may carry `uowId`, `userId` and `interactionTimestamp`; the headers apply to items that do not. A validation error lists every bad index in `details.errors`; nothing is recorded then.',
    params: CREATE_HEADERS,
    body: ref('CreateInteractionBatch'),
    bodyLimit: 'batch',
    errors: ['VALIDATION_ERROR', 'UNKNOWN_LOOKUP', 'LOOKUP_MISMATCH', 'CONFLICT', 'PAYLOAD_TOO_LARGE'],
    operation: RestCreateInteractionsDocument,
    variables: ({ body, headers }) => ({
      inputs: (body as { interactions: Record<string, unknown>[] }).interactions.map((item) =>
        createInputOf(item, headers),
      ),
      idempotencyKey: headers['idempotency-key'],
    }),
    present: (data) => data,
    status: 201,
    response: ref('CreatedInteractionBatch'),
    // Malformed items are named by index, together with the well-formed items' own errors (unknown lookups…).
    async explainBodyIssues(issues, body, { db, config }) {
      const items = issues.map((issue) => ({ issue, item: itemIssue(issue.field) }));
      if (items.some(({ item }) => item === null)) return null;
      const refused = new Map<number, BatchItemError>();
      for (const { issue, item } of items) {
        if (item && !refused.has(item.index)) {
          const message = issue.message.replace(/^interactions\[\d+\]\.?/, '').trim() || issue.message;
          refused.set(item.index, {
            index: item.index,
            code: 'VALIDATION_ERROR',
            message: item.field ? message : 'each interaction must be a JSON object',
            details: { field: item.field },
          });
        }
      }
      return explainInvalidBatch(db, {
        items: (body as { interactions: unknown[] }).interactions,
        refused: [...refused.values()],
        maxJsonDepth: config.maxJsonDepth,
      });
    },
  }),
  operationRoute({
    method: 'get',
    path: '/api/interactions',
    summary: 'List interactions with filters and pagination (page number or cursor), newest first',
    scope: 'read',
    params: [
      ...FILTER_PARAMS,
      PARAMS.page,
      PARAMS.limit(LIST_PAGING.defaultLimit, LIST_PAGING.maxLimit),
      PARAMS.query(
        'cursor',
        'A `pagination.nextCursor` of an earlier answer: the `limit` rows after it, in the same order. Send the same filters again (the cursor holds only the position); not with `page`. Rows recorded meanwhile neither repeat nor shift the pages after a cursor.',
      ),
    ],
    errors: ['VALIDATION_ERROR'],
    operation: RestListInteractionsDocument,
    variables: (request) => ({
      filter: filterOf(request),
      page: request.query.page as number | undefined,
      limit: request.query.limit as number | undefined,
      cursor: request.query.cursor as string | undefined,
    }),
    present: ({ interactions }) => ({
      data: interactions.items.map(presentInteractionListItem),
      pagination: interactions.pagination,
    }),
    response: ref('InteractionPage'),
  }),
  operationRoute({
    method: 'get',
    path: '/api/interactions/:id',
    summary: 'Get one interaction by id',
    scope: 'read',
    params: [PARAMS.id('interaction')],
    errors: ['VALIDATION_ERROR', 'NOT_FOUND'],
    operation: RestGetInteractionDocument,
    variables: ({ path }) => ({ id: path.id }),
    present: (data) => presentInteractionListItem(data.interaction),
    response: ref('InteractionListItem'),
  }),
];
