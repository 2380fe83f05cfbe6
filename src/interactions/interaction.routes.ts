import type { Request } from 'express';
import { AppError } from '../errors/app-error';
import { bodyObject, header, pathParam, queryInt, queryString } from '../rest/params';
import { PARAMS, ref } from '../rest/openapi.schemas';
import type { RestRoute } from '../rest/route';
import {
  presentCreatedInteraction,
  presentInteractionListItem,
  REST_CREATED_FRAGMENT,
  REST_INTERACTION_FRAGMENT,
  type GraphQLCreatedInteraction,
  type GraphQLInteraction,
} from './interaction.presenter';

const FILTER_PARAMS = [
  'resourceId',
  'interactionId',
  'uowId',
  'externalReference',
  'userId',
  'action',
  'resourceType',
  'origin',
  'startDate',
  'endDate',
] as const;

const BODY_FIELDS = [
  'resourceId',
  'resourceType',
  'resourceTypeId',
  'action',
  'actionId',
  'origin',
  'originId',
  'interaction',
  'externalReference',
  'externalResponse',
] as const;

function filterFrom(req: Request): Record<string, string> {
  const filter: Record<string, string> = {};
  for (const name of FILTER_PARAMS) {
    const value = queryString(req, name);
    if (value !== undefined) filter[name] = value;
  }
  return filter;
}

/** Body fields plus the x-uowid, x-userid and x-interaction-timestamp headers → the GraphQL input. */
export function createInputFrom(body: Record<string, unknown>, req: Request): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const name of BODY_FIELDS) if (body[name] !== undefined) input[name] = body[name];
  input.uowId = header(req, 'x-uowid');
  input.userId = header(req, 'x-userid');
  input.interactionTimestamp = header(req, 'x-interaction-timestamp');
  return input;
}

const BATCH_ITEM_HEADER_FIELDS = [
  ['uowId', 'x-uowid'],
  ['userId', 'x-userid'],
  ['interactionTimestamp', 'x-interaction-timestamp'],
] as const;
const STRING_FIELDS = [
  'resourceId',
  'resourceType',
  'resourceTypeId',
  'action',
  'actionId',
  'origin',
  'originId',
  'externalReference',
  'uowId',
  'userId',
  'interactionTimestamp',
] as const;

/**
 * `{interactions:[…]}` → the GraphQL inputs. Each item is a single-create body that may also carry `uowId`,
 * `userId` and `interactionTimestamp`; an item's own value wins over the x-uowid / x-userid /
 * x-interaction-timestamp header, which applies to every item that has none. Items of the wrong shape are refused
 * here, by index, since GraphQL's own type errors would not name them.
 */
export function batchInputsFrom(body: Record<string, unknown>, req: Request): Record<string, unknown>[] {
  const items = body.interactions;
  if (!Array.isArray(items)) {
    throw new AppError('VALIDATION_ERROR', 'interactions must be an array of interactions', { field: 'interactions' });
  }
  const errors: { index: number; code: 'VALIDATION_ERROR'; message: string; details: { field?: string } }[] = [];
  const inputs = items.map((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      errors.push({ index, code: 'VALIDATION_ERROR', message: 'each interaction must be a JSON object', details: {} });
      return {};
    }
    const fields = item as Record<string, unknown>;
    if (typeof fields.resourceId !== 'string') {
      errors.push({ index, code: 'VALIDATION_ERROR', message: 'resourceId is required (a string)', details: { field: 'resourceId' } });
    }
    for (const name of STRING_FIELDS) {
      const value = fields[name];
      if (name !== 'resourceId' && value !== undefined && value !== null && typeof value !== 'string') {
        errors.push({ index, code: 'VALIDATION_ERROR', message: `${name} must be a string`, details: { field: name } });
      }
    }
    const input = createInputFrom(fields, req);
    for (const [name, headerName] of BATCH_ITEM_HEADER_FIELDS) input[name] = fields[name] ?? header(req, headerName);
    return input;
  });
  if (errors.length > 0) {
    throw new AppError('VALIDATION_ERROR', `${errors.length} problem(s) in the batch; nothing was recorded`, { errors });
  }
  return inputs;
}

/** Headers of the create routes (on the batch route they apply to items that do not carry their own). */
const CREATE_HEADERS = [
  PARAMS.header('x-uowid', 'Unit of work (trace) this interaction belongs to; a new UUID when absent.', { type: 'string', format: 'uuid' }),
  PARAMS.header('x-userid', 'Who acted.'),
  PARAMS.header('x-interaction-timestamp', 'When it happened: ISO-8601 or epoch milliseconds.'),
  PARAMS.header(
    'Idempotency-Key',
    'Retries with the same key (1–255 printable characters, per API key) and body within 24 h return the original result instead of recording again; a different body → 409.',
    { type: 'string', minLength: 1, maxLength: 255 },
  ),
];

/** REST routes of the interactions domain. */
export const interactionRoutes: RestRoute[] = [
  {
    method: 'post',
    path: '/api/interactions',
    summary: 'Record an interaction',
    operation: `mutation RestCreateInteraction($input: CreateInteractionInput!, $idempotencyKey: String) {
      createInteraction(input: $input, idempotencyKey: $idempotencyKey) { ...RestCreatedInteraction }
    } ${REST_CREATED_FRAGMENT}`,
    variables: (req) => ({
      input: createInputFrom(bodyObject(req), req),
      idempotencyKey: header(req, 'idempotency-key'),
    }),
    present: (data: { createInteraction: GraphQLCreatedInteraction }) => presentCreatedInteraction(data.createInteraction),
    status: 201,
    doc: {
      scope: 'write',
      params: CREATE_HEADERS,
      body: ref('CreateInteraction'),
      response: ref('CreatedInteraction'),
      errors: ['VALIDATION_ERROR', 'UNKNOWN_LOOKUP', 'LOOKUP_MISMATCH', 'CONFLICT', 'PAYLOAD_TOO_LARGE'],
    },
  },
  {
    method: 'post',
    path: '/api/interactions/batch',
    summary: 'Record up to 1,000 interactions atomically (all or none), answered in input order',
    operation: `mutation RestCreateInteractions($inputs: [CreateInteractionInput!]!, $idempotencyKey: String) {
      createInteractions(inputs: $inputs, idempotencyKey: $idempotencyKey) { ...RestCreatedInteraction }
    } ${REST_CREATED_FRAGMENT}`,
    variables: (req) => ({
      inputs: batchInputsFrom(bodyObject(req), req),
      idempotencyKey: header(req, 'idempotency-key'),
    }),
    present: (data: { createInteractions: GraphQLCreatedInteraction[] }) => ({
      data: data.createInteractions.map(presentCreatedInteraction),
    }),
    status: 201,
    doc: {
      scope: 'write',
      description: 'Items may carry `uowId`, `userId` and `interactionTimestamp`; the headers apply to items that do not. A validation error lists every bad index in `details.errors`; nothing is recorded then.',
      params: CREATE_HEADERS,
      body: ref('CreateInteractionBatch'),
      response: ref('CreatedInteractionBatch'),
      errors: ['VALIDATION_ERROR', 'UNKNOWN_LOOKUP', 'LOOKUP_MISMATCH', 'CONFLICT', 'PAYLOAD_TOO_LARGE'],
    },
  },
  {
    method: 'get',
    path: '/api/interactions',
    summary: 'List interactions with filters and pagination (page number or cursor), newest first',
    operation: `query RestListInteractions($filter: InteractionFilterInput, $page: Int, $limit: Int, $cursor: String) {
      interactions(filter: $filter, page: $page, limit: $limit, cursor: $cursor) {
        items { ...RestInteraction }
        pagination { page limit total totalPages hasNext hasPrev nextCursor }
      }
    } ${REST_INTERACTION_FRAGMENT}`,
    variables: (req) => ({
      filter: filterFrom(req),
      page: queryInt(req, 'page'),
      limit: queryInt(req, 'limit'),
      cursor: queryString(req, 'cursor'),
    }),
    present: (data: { interactions: { items: GraphQLInteraction[]; pagination: unknown } }) => ({
      data: data.interactions.items.map(presentInteractionListItem),
      pagination: data.interactions.pagination,
    }),
    doc: {
      scope: 'read',
      params: [
        PARAMS.query('resourceId', 'Exact resource id.'),
        PARAMS.query('interactionId', 'Exact interaction id.', { type: 'string', format: 'uuid' }),
        PARAMS.query('uowId', 'Unit of work.', { type: 'string', format: 'uuid' }),
        PARAMS.query('externalReference', 'Exact external reference.'),
        PARAMS.query('userId', 'Exact user id.'),
        PARAMS.query('action', 'Action mnemonic.'),
        PARAMS.query('resourceType', 'Resource type mnemonic.'),
        PARAMS.query('origin', 'Origin mnemonic.'),
        PARAMS.query('startDate', 'From this ISO date or date-time (inclusive).'),
        PARAMS.query('endDate', 'Up to this ISO date or date-time; a date-only value includes that whole UTC day.'),
        PARAMS.page,
        PARAMS.limit(50, 100),
        PARAMS.query(
          'cursor',
          'A `pagination.nextCursor` of an earlier answer: the `limit` rows after it, in the same order. Send the same filters again (the cursor holds only the position); not with `page`. Rows recorded meanwhile neither repeat nor shift the pages after a cursor.',
        ),
      ],
      response: ref('InteractionPage'),
      errors: ['VALIDATION_ERROR'],
    },
  },
  {
    method: 'get',
    path: '/api/interactions/:id',
    summary: 'Get one interaction by id',
    operation: `query RestGetInteraction($id: ID!) { interaction(id: $id) { ...RestInteraction } } ${REST_INTERACTION_FRAGMENT}`,
    variables: (req) => ({ id: pathParam(req, 'id') }),
    present: (data: { interaction: GraphQLInteraction }) => presentInteractionListItem(data.interaction),
    doc: {
      scope: 'read',
      params: [PARAMS.id('interaction')],
      response: ref('InteractionListItem'),
      errors: ['VALIDATION_ERROR', 'NOT_FOUND'],
    },
  },
];
