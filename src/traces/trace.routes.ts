import { RestTraceDocument, RestTraceSummaryDocument, RestTraceTimelineDocument } from '../generated/graphql';
import { presentInteractionListItem } from '../interactions/interaction.presenter';
import { PARAMS, ref } from '../rest/schema';
import { operationRoute, type RestRoute } from '../rest/route';
import { TRACE_DEFAULT_LIMIT, TRACE_MAX_LIMIT } from './trace.service';

/** REST routes of the traces domain; the two literal sub-paths come before the bare `:uowId` route. */
export const traceRoutes: RestRoute[] = [
  operationRoute({
    method: 'get',
    path: '/api/traces/:uowId/timeline',
    summary: 'Timeline of a unit of work: each interaction with its offset from the first',
    scope: 'read',
    params: [PARAMS.uowId],
    errors: ['VALIDATION_ERROR', 'NOT_FOUND'],
    operation: RestTraceTimelineDocument,
    variables: ({ path }) => ({ uowId: path.uowId }),
    present: (data) => data.trace,
    response: ref('TraceTimeline'),
  }),
  operationRoute({
    method: 'get',
    path: '/api/traces/:uowId/summary',
    summary: 'Summary of a unit of work: counts, time span, lookups and users involved',
    scope: 'read',
    params: [PARAMS.uowId],
    errors: ['VALIDATION_ERROR', 'NOT_FOUND'],
    operation: RestTraceSummaryDocument,
    variables: ({ path }) => ({ uowId: path.uowId }),
    present: ({ trace }) => ({ ...trace.summary, retainedFrom: trace.retainedFrom }),
    response: ref('TraceSummary'),
  }),
  operationRoute({
    method: 'get',
    path: '/api/traces/:uowId',
    summary: 'Interactions of a unit of work in chronological order, paged (default 1,000, max 10,000)',
    scope: 'read',
    params: [PARAMS.uowId, PARAMS.page, PARAMS.limit(TRACE_DEFAULT_LIMIT, TRACE_MAX_LIMIT)],
    errors: ['VALIDATION_ERROR', 'NOT_FOUND'],
    operation: RestTraceDocument,
    variables: ({ path, query }) => ({
      uowId: path.uowId,
      page: query.page as number | undefined,
      limit: query.limit as number | undefined,
    }),
    present: ({ trace }) => ({
      uowId: trace.uowId,
      retainedFrom: trace.retainedFrom,
      data: trace.interactions.items.map(presentInteractionListItem),
      pagination: trace.interactions.pagination,
    }),
    response: ref('Trace'),
  }),
];
