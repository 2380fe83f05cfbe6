import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Pagination } from '../graphql/pagination.type';

@InputType({ description: 'A resource to look for.' })
export class ActivityResourceInput {
  @Field({ description: "The caller's identifier of the resource (1–512 characters)." })
  resourceId!: string;

  @Field(() => String, { nullable: true, description: 'Resource type mnemonic; absent = the id under any type.' })
  resourceType?: string | null;
}

@InputType({ description: 'Activity across resources: which users touched them in which units of work.' })
export class ActivityInput {
  @Field(() => [ActivityResourceInput], { description: '1 to 100 resources; interactions touching any of them match.' })
  resources!: ActivityResourceInput[];

  @Field(() => String, { nullable: true, description: 'Recorded on or after (ISO date or date-time).' })
  startDate?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Recorded on or before; a date-only value includes that whole UTC day.',
  })
  endDate?: string | null;

  @Field(() => Int, { nullable: true, description: '1-based page of groups, default 1.' })
  page?: number | null;

  @Field(() => Int, { nullable: true, description: 'Groups per page, default 50; above 100 is taken as 100.' })
  limit?: number | null;
}

@ObjectType({ description: 'A requested resource as a group touched it.' })
export class ActivityResource {
  @Field({ description: "The caller's identifier of the resource." })
  resourceId!: string;

  @Field({ description: 'Resource type mnemonic.' })
  resourceType!: string;
}

@ObjectType({ description: 'The matching interactions of one user in one unit of work.' })
export class ActivityGroup {
  @Field(() => String, {
    nullable: true,
    description: 'Acting user; null groups the interactions recorded without one.',
  })
  userId!: string | null;

  @Field(() => ID, { description: 'The unit of work.' })
  uowId!: string;

  @Field(() => Int, { description: 'Number of matching interactions in the group.' })
  interactionCount!: number;

  @Field(() => Date, {
    description: 'When the earliest matching interaction was recorded (createdDate, the clock the range filters by).',
  })
  firstInteractionAt!: Date;

  @Field(() => Date, {
    description:
      'When the latest matching interaction was recorded (createdDate); groups are ordered by it, newest first.',
  })
  lastInteractionAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description: "The caller's interactionTimestamp of the latest matching interaction; null when it gave none.",
  })
  lastInteractionTimestamp!: Date | null;

  @Field(() => [ActivityResource], { description: 'Requested resources the group touched, sorted by id then type.' })
  resources!: ActivityResource[];

  @Field(() => [String], { description: 'Action mnemonics of the matching interactions, unique, sorted.' })
  actions!: string[];
}

@ObjectType({ description: 'A page of activity groups, newest first.' })
export class ActivityPage {
  @Field(() => [ActivityGroup], { description: 'The groups of this page.' })
  items!: ActivityGroup[];

  @Field(() => Pagination, { description: 'Position of the page; total counts groups.' })
  pagination!: Pagination;
}
