import { Field, ID, InputType, Int, ObjectType, type ClassType } from 'type-graphql';
import { Pagination } from '../graphql/pagination.type';
import { JSONScalar, SafeIntScalar } from '../graphql/scalars';
import { Action, Origin, ResourceType } from '../lookups/lookup.type';
import { FILTER_DESCRIPTIONS, FILTER_NAMES, type FilterName } from './interaction.filter';
import type { JsonValue } from './interaction.model';

@ObjectType({
  description: 'One recorded event: what happened to which resource, from where, by whom, in which unit of work.',
})
export class Interaction {
  @Field(() => ID, { description: 'UUID v7 (time-ordered).' })
  id!: string;

  @Field(() => SafeIntScalar, { description: 'Increasing sequence number; useful for ordering and gap detection.' })
  interactionNumber!: number;

  @Field({ description: "The caller's identifier of the resource." })
  resourceId!: string;

  @Field(() => ID)
  resourceTypeId!: string;

  @Field(() => ID)
  actionId!: string;

  @Field(() => ID)
  originId!: string;

  @Field(() => ResourceType)
  resourceType!: ResourceType;

  @Field(() => Action)
  action!: Action;

  @Field(() => Origin)
  origin!: Origin;

  @Field(() => JSONScalar, { nullable: true, description: 'Free JSON context of the interaction.' })
  interaction!: JsonValue | null;

  @Field(() => String, { nullable: true, description: 'Reference in an external system (e.g. a payment id).' })
  externalReference!: string | null;

  @Field(() => JSONScalar, { nullable: true, description: "The external system's response." })
  externalResponse!: JsonValue | null;

  @Field(() => ID, { description: 'Unit of work: all interactions of one request chain or job share it.' })
  uowId!: string;

  @Field(() => String, { nullable: true })
  userId!: string | null;

  @Field({ description: 'When the service recorded it (filters and ordering use this).' })
  createdDate!: Date;

  @Field(() => Date, { nullable: true, description: 'When it happened, if the caller said so.' })
  interactionTimestamp!: Date | null;
}

@ObjectType({ description: 'A page of interactions, newest first.' })
export class InteractionPage {
  @Field(() => [Interaction])
  items!: Interaction[];

  @Field(() => Pagination)
  pagination!: Pagination;
}

@ObjectType({ description: 'Where a page of the interaction list sits, and the cursor that continues after it.' })
export class InteractionListPagination extends Pagination {
  @Field(() => String, {
    nullable: true,
    description:
      'Opaque cursor after the last item of this page (pass it as `cursor`, or as `after` of interactionsConnection); null on the last page.',
  })
  nextCursor!: string | null;
}

@ObjectType({ description: 'A page of the interaction list, newest first.' })
export class InteractionListPage {
  @Field(() => [Interaction])
  items!: Interaction[];

  @Field(() => InteractionListPagination)
  pagination!: InteractionListPagination;
}

@ObjectType({ description: 'One interaction of a connection and the cursor of its position.' })
export class InteractionEdge {
  @Field({ description: 'Opaque cursor: the rows after this one are `after: cursor`.' })
  cursor!: string;

  @Field(() => Interaction)
  node!: Interaction;
}

@ObjectType({ description: 'Relay page information of a connection.' })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field({ description: 'True when the connection was asked for rows after a cursor.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType({ description: 'Interactions matching a filter, newest first, walked with cursors (Relay connection).' })
export class InteractionConnection {
  @Field(() => [InteractionEdge])
  edges!: InteractionEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'Exact number of matching interactions in all pages; counted only when selected.' })
  totalCount!: number;
}

/**
 * A GraphQL input type with one nullable String field per named filter, from the one declaration of the filters
 * (src/interactions/interaction.filter.ts), in its order: the list's `InteractionFilterInput`, and the timeline's
 * filter without the date range.
 */
export function filterInputType<K extends FilterName>(
  name: string,
  description: string,
  names: readonly K[],
): ClassType<{ [P in K]?: string | null }> {
  const type = class {};
  Object.defineProperty(type, 'name', { value: name });
  for (const field of names) {
    Field(() => String, { nullable: true, description: FILTER_DESCRIPTIONS[field] })(type.prototype, field);
  }
  InputType(name, { description })(type);
  return type;
}

/** Filters of the interaction list, combined with AND. */
export const InteractionFilterInput = filterInputType(
  'InteractionFilterInput',
  'Filters of the interaction list, combined with AND.',
  FILTER_NAMES,
);

@InputType({ description: 'An interaction to record. Name each lookup by mnemonic, by id, or both (they must agree).' })
export class CreateInteractionInput {
  @Field({ description: "Your resource's identifier, 1–512 characters." })
  resourceId!: string;

  @Field(() => String, { nullable: true, description: 'Resource type mnemonic.' })
  resourceType?: string | null;

  @Field(() => String, { nullable: true, description: 'Resource type UUID.' })
  resourceTypeId?: string | null;

  @Field(() => String, { nullable: true, description: 'Action mnemonic.' })
  action?: string | null;

  @Field(() => String, { nullable: true, description: 'Action UUID.' })
  actionId?: string | null;

  @Field(() => String, { nullable: true, description: 'Origin mnemonic.' })
  origin?: string | null;

  @Field(() => String, { nullable: true, description: 'Origin UUID.' })
  originId?: string | null;

  @Field(() => JSONScalar, { nullable: true, description: 'Free JSON metadata of any shape.' })
  interaction?: JsonValue;

  @Field(() => String, { nullable: true, description: 'External system reference, at most 512 characters.' })
  externalReference?: string | null;

  @Field(() => JSONScalar, { nullable: true, description: 'External system response data.' })
  externalResponse?: JsonValue;

  @Field(() => String, { nullable: true, description: 'Unit of work UUID (REST: x-uowid); generated when absent.' })
  uowId?: string | null;

  @Field(() => String, { nullable: true, description: 'Acting user (REST: x-userid), at most 256 characters.' })
  userId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'When it happened (REST: x-interaction-timestamp): ISO-8601 date-time or epoch milliseconds.',
  })
  interactionTimestamp?: string | null;
}
