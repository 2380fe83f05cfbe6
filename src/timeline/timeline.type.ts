import { Field, InputType, Int, ObjectType } from 'type-graphql';

@InputType({ description: 'Optional filters of the timeline, by mnemonic; an unknown mnemonic counts nothing.' })
export class TimelineFilterInput {
  @Field(() => String, { nullable: true, description: 'Resource type mnemonic.' })
  resourceType?: string | null;

  @Field(() => String, { nullable: true, description: 'Action mnemonic.' })
  action?: string | null;

  @Field(() => String, { nullable: true, description: 'Origin mnemonic.' })
  origin?: string | null;
}

@ObjectType({ description: 'Interactions created in one bucket.' })
export class TimelineBucket {
  @Field({ description: 'Start of the bucket (UTC-aligned).' })
  bucket!: Date;

  @Field(() => Int, { description: 'Interactions created in [bucket, bucket + granularity).' })
  count!: number;
}

@ObjectType({ description: 'Interaction counts over time, by creation time, every bucket present (zero-filled).' })
export class Timeline {
  @Field({ description: 'Bucket size: 15min, hour, 6hour or day.' })
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
