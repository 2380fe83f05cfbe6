import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { AppError } from '../errors/app-error';
import type { GraphQLContext } from '../graphql/context';
import { RequireScope, Rows } from '../graphql/operation-plan';
import type { Page } from '../input/pagination';
import type { InteractionRecord } from '../interactions/interaction.model';
import { Interaction, InteractionPage } from '../interactions/interaction.type';
import {
  findTraceInteractions,
  getTrace,
  getTraceTimeline,
  TRACE_DEFAULT_LIMIT,
  TRACE_MAX_LIMIT,
  TRACE_TIMELINE_MAX,
  type TraceRecord,
  type TraceSummaryRecord,
  type TraceTimelineEntryRecord,
} from './trace.service';
import { Trace, TraceSummary, TraceTimelineEntry } from './trace.type';

async function loadSummary({ loaders }: GraphQLContext, uowId: string): Promise<TraceSummaryRecord> {
  const summary = await loaders.traceSummaryByUowId.load(uowId);
  // Every interaction has a unit of work; one whose interactions retention dropped is gone, like an unknown one.
  if (!summary) throw new AppError('NOT_FOUND', `No interactions with uowId ${uowId}`);
  return summary;
}

@Resolver(() => Trace)
export class TraceResolver {
  @RequireScope('read')
  @Query(() => Trace, { description: 'A unit of work (NOT_FOUND when no interaction carries this uowId).' })
  trace(@Arg('uowId', () => ID) uowId: string, @Ctx() { db }: GraphQLContext): Promise<TraceRecord> {
    return getTrace(db, { uowId });
  }

  @Rows({ arg: 'limit', default: TRACE_DEFAULT_LIMIT, max: TRACE_MAX_LIMIT })
  @FieldResolver(() => InteractionPage, { description: 'Its interactions in chronological order, one page at a time.' })
  interactions(
    @Root() trace: TraceRecord,
    @Ctx() { db }: GraphQLContext,
    @Arg('page', () => Int, { nullable: true, description: '1-based, default 1.' }) page?: number,
    @Arg('limit', () => Int, { nullable: true, description: 'Default 1,000; above 10,000 is taken as 10,000.' })
    limit?: number,
  ): Promise<Page<InteractionRecord>> {
    return findTraceInteractions(db, { uowId: trace.uowId, page, limit });
  }

  @Rows({ fixed: TRACE_TIMELINE_MAX })
  @FieldResolver(() => [TraceTimelineEntry], {
    description:
      'Every interaction placed in time (at most 100,000; larger traces: PAYLOAD_TOO_LARGE, use interactions).',
  })
  timeline(@Root() trace: TraceRecord, @Ctx() { db }: GraphQLContext): Promise<TraceTimelineEntryRecord[]> {
    return getTraceTimeline(db, { uowId: trace.uowId });
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description:
      'Set when retention removed some of its interactions (docs/adr/031): the time from which the trace is whole. ' +
      'Null when nothing of it was removed.',
  })
  retainedFrom(@Root() trace: TraceRecord, @Ctx() { loaders }: GraphQLContext): Promise<Date | null> {
    return loaders.traceRetainedFromByUowId.load(trace.uowId);
  }

  @FieldResolver(() => TraceSummary, {
    description: 'Counts, time span and the lookups, users and resources involved.',
  })
  summary(@Root() trace: TraceRecord, @Ctx() context: GraphQLContext): Promise<TraceSummaryRecord> {
    return loadSummary(context, trace.uowId);
  }
}

@Resolver(() => Interaction)
export class InteractionTraceResolver {
  // The summary of a whole unit of work is a read of other interactions: a write key creating one may not see it.
  @RequireScope('read')
  @FieldResolver(() => TraceSummary, {
    description: 'Summary of the unit of work this interaction belongs to (batched).',
  })
  trace(@Root() row: InteractionRecord, @Ctx() context: GraphQLContext): Promise<TraceSummaryRecord> {
    return loadSummary(context, row.uowId);
  }
}
