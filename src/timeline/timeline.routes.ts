import type { Request } from 'express';
import { queryInt, queryString } from '../rest/params';
import { PARAMS, ref } from '../rest/openapi.schemas';
import type { RestRoute } from '../rest/route';

const FILTER_PARAMS = ['resourceType', 'action', 'origin'] as const;

interface GraphQLTimeline {
  granularity: string;
  startDate: string;
  endDate: string;
  refreshedAt: string | null;
  data: { bucket: string; count: number }[];
}

interface GraphQLTimelineRefresh {
  refreshedAt: string;
  durationMs: number;
}

function timelineVariables(req: Request): Record<string, unknown> {
  const filter: Record<string, string> = {};
  for (const name of FILTER_PARAMS) {
    const value = queryString(req, name);
    if (value !== undefined) filter[name] = value;
  }
  return {
    days: queryInt(req, 'days'),
    startDate: queryString(req, 'startDate'),
    endDate: queryString(req, 'endDate'),
    granularity: queryString(req, 'granularity'),
    filter,
  };
}

/** The documented timeline response, field by field. */
export function presentTimeline(timeline: GraphQLTimeline) {
  return {
    granularity: timeline.granularity,
    startDate: timeline.startDate,
    endDate: timeline.endDate,
    refreshedAt: timeline.refreshedAt,
    data: timeline.data.map((entry) => ({ bucket: entry.bucket, count: entry.count })),
  };
}

/** REST routes of the timeline; literal paths, so they go before `/api/interactions/:id`. */
export const timelineRoutes: RestRoute[] = [
  {
    method: 'get',
    path: '/api/interactions/timeline',
    summary: 'Interaction counts over time (zero-filled buckets, exact up to now)',
    operation: `query RestTimeline($days: Int, $startDate: String, $endDate: String, $granularity: String, $filter: TimelineFilterInput) {
      timeline(days: $days, startDate: $startDate, endDate: $endDate, granularity: $granularity, filter: $filter) {
        granularity startDate endDate refreshedAt data { bucket count }
      }
    }`,
    variables: timelineVariables,
    present: (data: { timeline: GraphQLTimeline }) => presentTimeline(data.timeline),
    doc: {
      scope: 'read',
      description: 'Give `days` (default 90 when no range is given) or `startDate` and `endDate`.',
      params: [
        PARAMS.query('days', 'Last N days, 1–3650, daily buckets.', { type: 'integer', minimum: 1, maximum: 3650 }),
        PARAMS.query('startDate', 'ISO date or date-time.'),
        PARAMS.query('endDate', 'ISO date or date-time.'),
        PARAMS.query('granularity', 'Bucket size; chosen from the span when absent.', { enum: ['15min', 'hour', '6hour', 'day'] }),
        PARAMS.query('resourceType', 'Resource type mnemonic.'),
        PARAMS.query('action', 'Action mnemonic.'),
        PARAMS.query('origin', 'Origin mnemonic.'),
      ],
      response: ref('Timeline'),
      errors: ['VALIDATION_ERROR'],
    },
  },
  {
    method: 'post',
    path: '/api/interactions/timeline/refresh',
    summary: 'Refresh the timeline daily counts now',
    operation: 'mutation RestRefreshTimeline { refreshTimeline { refreshedAt durationMs } }',
    present: (data: { refreshTimeline: GraphQLTimelineRefresh }) => ({
      refreshedAt: data.refreshTimeline.refreshedAt,
      durationMs: data.refreshTimeline.durationMs,
    }),
    doc: { scope: 'admin', response: ref('TimelineRefresh') },
  },
];
