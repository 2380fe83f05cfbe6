import { AppError } from '../errors/app-error';
import { bodyObject, queryInt } from '../rest/params';
import { PARAMS, ref } from '../rest/openapi.schemas';
import type { RestRoute } from '../rest/route';

interface GraphQLActivityGroup {
  userId: string | null;
  uowId: string;
  interactionCount: number;
  firstInteractionAt: string;
  lastInteractionAt: string;
  resources: { resourceId: string; resourceType: string }[];
  actions: string[];
}

/** The documented activity group, field by field. */
export function presentActivityGroup(group: GraphQLActivityGroup) {
  return {
    userId: group.userId,
    uowId: group.uowId,
    interactionCount: group.interactionCount,
    firstInteractionAt: group.firstInteractionAt,
    lastInteractionAt: group.lastInteractionAt,
    resources: group.resources.map((r) => ({ resourceId: r.resourceId, resourceType: r.resourceType })),
    actions: group.actions,
  };
}

function optionalInt(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new AppError('VALIDATION_ERROR', `${field} must be an integer`, { field });
  }
  return value;
}

/** REST routes of the activity domain. */
export const activityRoutes: RestRoute[] = [
  {
    method: 'post',
    path: '/api/activity',
    summary: 'Activity across resources, grouped by user and unit of work, newest group first',
    operation: `query RestActivity($input: ActivityInput!) {
      activity(input: $input) {
        items { userId uowId interactionCount firstInteractionAt lastInteractionAt resources { resourceId resourceType } actions }
        pagination { page limit total totalPages hasNext hasPrev }
      }
    }`,
    variables: (req) => {
      const body = bodyObject(req);
      // GraphQL would coerce a lone object into a one-element list; the documented body is an array.
      if (!Array.isArray(body.resources)) {
        throw new AppError('VALIDATION_ERROR', 'resources must be an array of {resourceId, resourceType?}', { field: 'resources' });
      }
      return {
        input: {
          resources: body.resources,
          startDate: body.startDate,
          endDate: body.endDate,
          // Paging may come in the body or, as for the GET lists, in the query string.
          page: optionalInt(body.page, 'page') ?? queryInt(req, 'page'),
          limit: optionalInt(body.limit, 'limit') ?? queryInt(req, 'limit'),
        },
      };
    },
    present: (data: { activity: { items: GraphQLActivityGroup[]; pagination: unknown } }) => ({
      data: data.activity.items.map(presentActivityGroup),
      pagination: data.activity.pagination,
    }),
    doc: {
      scope: 'read',
      description: 'A query with a body, hence POST; it records nothing. `page` and `limit` may also be given in the query string.',
      params: [PARAMS.page, PARAMS.limit(50, 100)],
      body: ref('ActivityQuery'),
      response: ref('ActivityPage'),
      errors: ['VALIDATION_ERROR'],
    },
  },
];
