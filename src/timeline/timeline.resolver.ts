import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { AppError } from '../errors/app-error';
import type { GraphQLContext } from '../graphql/context';
import { RequireScope } from '../graphql/operation-plan';
import { GRANULARITY_RULE } from '../input/granularity';
import type { TimelineFilter } from './timeline.plan';
import { getTimeline, type Timeline as TimelineResult } from './timeline.read';
import { refreshTimeline, type TimelineRefresh as RefreshResult } from './timeline.refresh';
import { Timeline, TimelineFilterInput, TimelineRefresh } from './timeline.type';

@Resolver()
export class TimelineResolver {
  @RequireScope('read')
  @Query(() => Timeline, {
    description:
      'Interaction counts per bucket by creation time, exact up to now. Either days (whole UTC days ending today, default 90) or startDate + endDate.',
  })
  timeline(
    @Ctx() { db }: GraphQLContext,
    @Arg('days', () => Int, {
      nullable: true,
      description: 'Whole UTC days ending with today, 1–3650 (default 90 without a range).',
    })
    days?: number,
    @Arg('startDate', () => String, {
      nullable: true,
      description: 'Range start: ISO date or date-time (with endDate).',
    })
    startDate?: string,
    @Arg('endDate', () => String, {
      nullable: true,
      description: 'Range end: ISO date (includes that whole UTC day) or date-time (with startDate).',
    })
    endDate?: string,
    @Arg('granularity', () => String, {
      nullable: true,
      description: GRANULARITY_RULE,
    })
    granularity?: string,
    @Arg('filter', () => TimelineFilterInput, { nullable: true }) filter?: TimelineFilter,
  ): Promise<TimelineResult> {
    return getTimeline(db, { days, startDate, endDate, granularity, filter });
  }

  @RequireScope('admin')
  @Mutation(() => TimelineRefresh, {
    description:
      'Brings the timeline daily counts up to date now (adds what was written since the last refresh; readers are not blocked).',
  })
  async refreshTimeline(@Ctx() { db, metrics }: GraphQLContext): Promise<RefreshResult> {
    const result = await refreshTimeline(db, { wait: true });
    // wait: true always refreshes; null would mean the lock was skipped, which only the timer asks for.
    if (!result) throw new AppError('INTERNAL', 'refresh skipped');
    metrics.timelineRefreshDuration.observe(result.durationMs / 1000);
    return result;
  }
}
