import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { SafeIntScalar } from '../graphql/scalars';

@ObjectType({ description: 'All interactions of one unit of work; each part is read only when asked for.' })
export class Trace {
  @Field(() => ID, { description: 'The unit of work.' })
  uowId!: string;
}

@ObjectType({ description: 'One interaction of a trace, placed in time relative to the first one.' })
export class TraceTimelineEntry {
  @Field(() => ID, { description: 'The interaction.' })
  interactionId!: string;

  @Field(() => SafeIntScalar, { description: 'Its interaction number (breaks ties of equal timestamps).' })
  interactionNumber!: number;

  @Field(() => Date, { description: 'interactionTimestamp when the caller gave one, else createdDate.' })
  timestamp!: Date;

  @Field(() => Float, { description: 'Milliseconds since the first interaction of the trace.' })
  offsetMs!: number;

  @Field({ description: "The caller's identifier of the resource." })
  resourceId!: string;

  @Field({ description: 'Resource type mnemonic.' })
  resourceType!: string;

  @Field({ description: 'Action mnemonic.' })
  action!: string;

  @Field({ description: 'Origin mnemonic.' })
  origin!: string;

  @Field(() => String, { nullable: true, description: 'Acting user, if known.' })
  userId!: string | null;
}

@ObjectType({ description: 'Aggregates of one unit of work, computed by the database.' })
export class TraceSummary {
  @Field(() => ID, { description: 'The unit of work.' })
  uowId!: string;

  @Field(() => Int, { description: 'Number of interactions.' })
  totalInteractions!: number;

  @Field(() => Date, { description: 'Time of the first interaction (interactionTimestamp, else createdDate).' })
  startTime!: Date;

  @Field(() => Date, { description: 'Time of the last interaction.' })
  endTime!: Date;

  @Field(() => Float, { description: 'endTime − startTime in milliseconds.' })
  durationMs!: number;

  @Field(() => [String], { description: 'Action mnemonics, unique, sorted.' })
  uniqueActions!: string[];

  @Field(() => [String], { description: 'Resource type mnemonics, unique, sorted.' })
  resourceTypes!: string[];

  @Field(() => [String], { description: 'Origin mnemonics, unique, sorted.' })
  origins!: string[];

  @Field(() => Int, { description: 'Number of distinct resource ids.' })
  resourceCount!: number;

  @Field(() => [String], { description: 'Acting users, unique, sorted (interactions without a user are not listed).' })
  userIds!: string[];
}
