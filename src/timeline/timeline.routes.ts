import { RestRefreshTimelineDocument, RestTimelineDocument } from '../generated/graphql';
import { GRANULARITY_NAMES, GRANULARITY_RULE } from '../input/granularity';
import { FILTER_PARAMS, filterOf } from '../interactions/interaction.routes';
import { PARAMS, ref } from '../rest/schema';
import { operationRoute, type RestRoute } from '../rest/route';
import { MAX_DAYS } from './timeline.plan';

/** The list's filters but its date range: the timeline takes its range as days or startDate + endDate. */
const TIMELINE_FILTER_PARAMS = FILTER_PARAMS.filter((param) => param.name !== 'startDate' && param.name !== 'endDate');

/** REST routes of the timeline; literal paths, so they go before `/api/interactions/:id`. */
export const timelineRoutes: RestRoute[] = [
  operationRoute({
    method: 'get',
    path: '/api/interactions/timeline',
    summary: 'Interaction counts over time (zero-filled buckets, exact up to now), with every filter of the list',
    scope: 'read',
    description:
      'Give `days` (default 90 when no range is given) or `startDate` and `endDate`. Takes every filter of `GET /api/interactions`, so a chart counts what the list shows.',
    params: [
      PARAMS.query('days', `Last N days, 1–${MAX_DAYS}, daily buckets.`, {
        type: 'integer',
        minimum: 1,
        maximum: MAX_DAYS,
      }),
      PARAMS.query('startDate', 'ISO date or date-time.'),
      PARAMS.query('endDate', 'ISO date or date-time; a date-only value includes that whole UTC day.'),
      PARAMS.query('granularity', `Bucket size: ${GRANULARITY_RULE}.`, { enum: GRANULARITY_NAMES }),
      ...TIMELINE_FILTER_PARAMS,
    ],
    errors: ['VALIDATION_ERROR'],
    operation: RestTimelineDocument,
    variables: (request) => ({
      days: request.query.days as number | undefined,
      startDate: request.query.startDate as string | undefined,
      endDate: request.query.endDate as string | undefined,
      granularity: request.query.granularity as string | undefined,
      filter: filterOf(
        request,
        TIMELINE_FILTER_PARAMS.map((param) => param.name),
      ),
    }),
    present: (data) => data.timeline,
    response: ref('Timeline'),
  }),
  operationRoute({
    method: 'post',
    path: '/api/interactions/timeline/refresh',
    summary: 'Refresh the timeline daily counts now',
    scope: 'admin',
    operation: RestRefreshTimelineDocument,
    variables: () => ({}),
    present: (data) => data.refreshTimeline,
    response: ref('TimelineRefresh'),
  }),
];
