import { Field, Int, ObjectType } from 'type-graphql';
import { FILTER_NAMES, type InteractionFilterKey } from '../interactions/interaction.filter';
import { filterInputType } from '../interactions/interaction.type';
import { GRANULARITY_NAMES } from '../input/granularity';

/** The timeline's filter: every filter of the interaction list but its date range (the timeline has its own). */
export const TimelineFilterInput = filterInputType(
  'TimelineFilterInput',
  "Filters of the timeline: the filters of the interaction list, combined with AND; the range is the timeline's own.",
  FILTER_NAMES.filter((name): name is InteractionFilterKey => name !== 'startDate' && name !== 'endDate'),
);

@ObjectType({ description: 'Interactions created in one bucket.' })
export class TimelineBucket {
  @Field({ description: 'Start of the bucket (UTC-aligned).' })
  bucket!: Date;

  @Field(() => Int, { description: 'Interactions created in [bucket, bucket + granularity).' })
  count!: number;
}

@ObjectType({ description: 'Interaction counts over time, by creation time, every bucket present (zero-filled).' })
export class Timeline {
  @Field({ description: `Bucket size: ${GRANULARITY_NAMES.join(', ')}.` })
  granularity!: string;

  @Field({ description: 'Start of the first bucket (inclusive).' })
  startDate!: Date;

  @Field({ description: 'End of the last bucket (exclusive).' })
  endDate!: Date;

  @Field(() => Date, {
    nullable: true,
    description:
      'When the daily counts were last refreshed (counts are exact regardless); null before the first refresh.',
  })
  refreshedAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description:
      'Set when retention dropped interactions inside the range (docs/adr/031): the time from which the counts are ' +
      'whole; buckets before it count what is left. Null when nothing in the range was dropped.',
  })
  retainedFrom!: Date | null;

  @Field(() => [TimelineBucket], { description: 'One entry per bucket, oldest first.' })
  data!: TimelineBucket[];
}

@ObjectType({ description: 'A completed refresh of the timeline daily counts.' })
export class TimelineRefresh {
  @Field({ description: 'When the refresh committed.' })
  refreshedAt!: Date;

  @Field(() => Int, { description: 'How long it took, in milliseconds.' })
  durationMs!: number;
}
