import { RestActivityDocument, type ActivityInput } from '../generated/graphql';
import { PARAMS, ref } from '../rest/schema';
import { operationRoute, type RestRoute } from '../rest/route';
import { ACTIVITY_DEFAULT_LIMIT, ACTIVITY_MAX_LIMIT } from './activity.service';

/** REST routes of the activity domain. */
export const activityRoutes: RestRoute[] = [
  operationRoute({
    method: 'post',
    path: '/api/activity',
    summary: 'Activity across resources, grouped by user and unit of work, newest group first',
    scope: 'read',
    description:
      'A query with a body, hence POST; it records nothing. `page` and `limit` may also be given in the query string. ' +
      '`startDate`/`endDate` filter the recorded time (`createdDate`), and `firstInteractionAt`/`lastInteractionAt` ' +
      'and the newest-first order are that same recorded time.',
    params: [PARAMS.page, PARAMS.limit(ACTIVITY_DEFAULT_LIMIT, ACTIVITY_MAX_LIMIT)],
    body: ref('ActivityQuery'),
    errors: ['VALIDATION_ERROR'],
    operation: RestActivityDocument,
    variables: ({ body, query }) => {
      const { resources, startDate, endDate, page, limit } = body as ActivityInput;
      // Paging may come in the body or, as for the GET lists, in the query string.
      return {
        input: {
          resources,
          startDate,
          endDate,
          page: page ?? (query.page as number | undefined),
          limit: limit ?? (query.limit as number | undefined),
        },
      };
    },
    present: (data) => data.activity,
    response: ref('ActivityPage'),
  }),
];
