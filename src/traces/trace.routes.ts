import { presentInteractionListItem, REST_INTERACTION_FRAGMENT, type GraphQLInteraction } from '../interactions/interaction.presenter';
import { pathParam, queryInt } from '../rest/params';
import { PARAMS, ref } from '../rest/openapi.schemas';
import type { RestRoute } from '../rest/route';

interface GraphQLTimelineEntry {
  interactionId: string;
  interactionNumber: number;
  timestamp: string;
  offsetMs: number;
  resourceId: string;
  resourceType: string;
  action: string;
  origin: string;
  userId: string | null;
}

interface GraphQLTraceSummary {
  uowId: string;
  totalInteractions: number;
  startTime: string;
  endTime: string;
  durationMs: number;
  uniqueActions: string[];
  resourceTypes: string[];
  origins: string[];
  resourceCount: number;
  userIds: string[];
}

/** The documented timeline entry, field by field. */
export function presentTraceTimelineEntry(entry: GraphQLTimelineEntry) {
  return {
    interactionId: entry.interactionId,
    interactionNumber: entry.interactionNumber,
    timestamp: entry.timestamp,
    offsetMs: entry.offsetMs,
    resourceId: entry.resourceId,
    resourceType: entry.resourceType,
    action: entry.action,
    origin: entry.origin,
    userId: entry.userId,
  };
}

/** The documented trace summary, field by field. */
export function presentTraceSummary(summary: GraphQLTraceSummary) {
  return {
    uowId: summary.uowId,
    totalInteractions: summary.totalInteractions,
    startTime: summary.startTime,
    endTime: summary.endTime,
    durationMs: summary.durationMs,
    uniqueActions: summary.uniqueActions,
    resourceTypes: summary.resourceTypes,
    origins: summary.origins,
    resourceCount: summary.resourceCount,
    userIds: summary.userIds,
  };
}

/** REST routes of the traces domain; the two literal sub-paths come before the bare `:uowId` route. */
export const traceRoutes: RestRoute[] = [
  {
    method: 'get',
    path: '/api/traces/:uowId/timeline',
    summary: 'Timeline of a unit of work: each interaction with its offset from the first',
    operation: `query RestTraceTimeline($uowId: ID!) {
      trace(uowId: $uowId) {
        uowId
        timeline { interactionId interactionNumber timestamp offsetMs resourceId resourceType action origin userId }
      }
    }`,
    variables: (req) => ({ uowId: pathParam(req, 'uowId') }),
    present: (data: { trace: { uowId: string; timeline: GraphQLTimelineEntry[] } }) => ({
      uowId: data.trace.uowId,
      data: data.trace.timeline.map(presentTraceTimelineEntry),
    }),
    doc: { scope: 'read', params: [PARAMS.uowId], response: ref('TraceTimeline'), errors: ['VALIDATION_ERROR', 'NOT_FOUND'] },
  },
  {
    method: 'get',
    path: '/api/traces/:uowId/summary',
    summary: 'Summary of a unit of work: counts, time span, lookups and users involved',
    operation: `query RestTraceSummary($uowId: ID!) {
      trace(uowId: $uowId) {
        summary {
          uowId totalInteractions startTime endTime durationMs uniqueActions resourceTypes origins resourceCount userIds
        }
      }
    }`,
    variables: (req) => ({ uowId: pathParam(req, 'uowId') }),
    present: (data: { trace: { summary: GraphQLTraceSummary } }) => presentTraceSummary(data.trace.summary),
    doc: { scope: 'read', params: [PARAMS.uowId], response: ref('TraceSummary'), errors: ['VALIDATION_ERROR', 'NOT_FOUND'] },
  },
  {
    method: 'get',
    path: '/api/traces/:uowId',
    summary: 'Interactions of a unit of work in chronological order, paged (default 1,000, max 10,000)',
    operation: `query RestTrace($uowId: ID!, $page: Int, $limit: Int) {
      trace(uowId: $uowId) {
        uowId
        interactions(page: $page, limit: $limit) {
          items { ...RestInteraction }
          pagination { page limit total totalPages hasNext hasPrev }
        }
      }
    } ${REST_INTERACTION_FRAGMENT}`,
    variables: (req) => ({ uowId: pathParam(req, 'uowId'), page: queryInt(req, 'page'), limit: queryInt(req, 'limit') }),
    present: (data: { trace: { uowId: string; interactions: { items: GraphQLInteraction[]; pagination: unknown } } }) => ({
      uowId: data.trace.uowId,
      data: data.trace.interactions.items.map(presentInteractionListItem),
      pagination: data.trace.interactions.pagination,
    }),
    doc: {
      scope: 'read',
      params: [PARAMS.uowId, PARAMS.page, PARAMS.limit(1000, 10000)],
      response: ref('Trace'),
      errors: ['VALIDATION_ERROR', 'NOT_FOUND'],
    },
  },
];
