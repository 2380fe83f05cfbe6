import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'What retention keeps (RETENTION_DAYS, PARTITION_INTERVAL, ARCHIVE_DIR).' })
export class RetentionPolicy {
  @Field(() => Int, { nullable: true, description: 'Days of interactions kept; null keeps everything.' })
  retentionDays!: number | null;

  @Field({ description: 'Period of one partition: day, week or month (UTC).' })
  interval!: string;

  @Field({ description: 'Whether partitions are archived (ARCHIVE_DIR) before they are dropped.' })
  archives!: boolean;
}

@ObjectType({ description: 'One partition of the interactions table.' })
export class RetentionPartition {
  @Field({ description: 'Its table, interactions_pYYYYMMDD, or interactions_default.' })
  name!: string;

  @Field(() => Date, { nullable: true, description: 'Start of its range (inclusive); null for the default partition.' })
  rangeStart!: Date | null;

  @Field(() => Date, { nullable: true, description: 'End of its range (exclusive); null for the default partition.' })
  rangeEnd!: Date | null;

  @Field(() => Float, { description: 'Exact number of interactions in it.' })
  rows!: number;

  @Field(() => Float, { description: 'Bytes on disk, indexes included.' })
  sizeBytes!: number;

  @Field({ description: 'Whether the next retention run drops it.' })
  expired!: boolean;
}

@ObjectType({ description: 'A time range whose partition retention dropped.' })
export class RetentionDroppedRange {
  @Field()
  rangeStart!: Date;

  @Field()
  rangeEnd!: Date;

  @Field(() => Float, { description: 'Interactions dropped with it.' })
  rows!: number;

  @Field(() => String, { nullable: true, description: 'The archive written before the drop, if any.' })
  archiveFile!: string | null;

  @Field()
  droppedAt!: Date;
}

@ObjectType({
  description: 'Retention: the policy, every partition with its rows and size, and what the next run drops.',
})
export class RetentionStatus {
  @Field(() => RetentionPolicy)
  policy!: RetentionPolicy;

  @Field(() => Date, {
    nullable: true,
    description: 'Partitions ending at or before this time are dropped by the next run; null without a policy.',
  })
  cutoff!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'End of the latest dropped range: the log is whole from then on. Null when nothing was dropped.',
  })
  retainedFrom!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When a retention run last started (any instance).' })
  lastRunAt!: Date | null;

  @Field(() => [RetentionPartition], { description: 'Oldest first, the default partition last.' })
  partitions!: RetentionPartition[];

  @Field(() => [String], { description: 'Names of the partitions the next run drops.' })
  nextDrops!: string[];

  @Field(() => [RetentionDroppedRange], { description: 'Ranges dropped so far (and not imported back).' })
  dropped!: RetentionDroppedRange[];
}
