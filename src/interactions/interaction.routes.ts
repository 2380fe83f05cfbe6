import type { Request } from 'express';
import { bodyObject, header, pathParam, queryInt, queryString } from '../rest/params';
import type { RestRoute } from '../rest/route';
import {
  presentCreatedInteraction,
  presentInteractionListItem,
  REST_INTERACTION_FRAGMENT,
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

/** REST routes of the interactions domain. */
export const interactionRoutes: RestRoute[] = [
  {
    method: 'post',
    path: '/api/interactions',
    summary: 'Record an interaction',
    operation: `mutation RestCreateInteraction($input: CreateInteractionInput!, $idempotencyKey: String) {
      createInteraction(input: $input, idempotencyKey: $idempotencyKey) { ...RestInteraction }
    } ${REST_INTERACTION_FRAGMENT}`,
    variables: (req) => ({
      input: createInputFrom(bodyObject(req), req),
      idempotencyKey: header(req, 'idempotency-key'),
    }),
    present: (data: { createInteraction: GraphQLInteraction }) => presentCreatedInteraction(data.createInteraction),
    status: 201,
  },
  {
    method: 'get',
    path: '/api/interactions',
    summary: 'List interactions with filters and pagination, newest first',
    operation: `query RestListInteractions($filter: InteractionFilterInput, $page: Int, $limit: Int) {
      interactions(filter: $filter, page: $page, limit: $limit) {
        items { ...RestInteraction }
        pagination { page limit total totalPages hasNext hasPrev }
      }
    } ${REST_INTERACTION_FRAGMENT}`,
    variables: (req) => ({ filter: filterFrom(req), page: queryInt(req, 'page'), limit: queryInt(req, 'limit') }),
    present: (data: { interactions: { items: GraphQLInteraction[]; pagination: unknown } }) => ({
      data: data.interactions.items.map(presentInteractionListItem),
      pagination: data.interactions.pagination,
    }),
  },
  {
    method: 'get',
    path: '/api/interactions/:id',
    summary: 'Get one interaction by id',
    operation: `query RestGetInteraction($id: ID!) { interaction(id: $id) { ...RestInteraction } } ${REST_INTERACTION_FRAGMENT}`,
    variables: (req) => ({ id: pathParam(req, 'id') }),
    present: (data: { interaction: GraphQLInteraction }) => presentInteractionListItem(data.interaction),
  },
];
