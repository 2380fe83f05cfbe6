import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AppError } from '../errors/app-error';
import type { GraphQLContext } from '../graphql/context';
import { RequireScope, Rows } from '../graphql/operation-plan';
import { LIST_PAGING } from '../input/pagination';
import { lookupCacheOf } from '../lookups/lookup.cache';
import type { LookupKind, LookupRecord } from '../lookups/lookup.kinds';
import { Action, Origin, ResourceType } from '../lookups/lookup.type';
import { createInteraction, createInteractions } from './interaction.create';
import { countInteractions } from './interaction.count';
import { cursorAfter } from './interaction.cursor';
import type { InteractionFilter } from './interaction.filter';
import { findInteractions, findInteractionsAfter, getInteraction, type InteractionListPage } from './interaction.find';
import type { InteractionRecord } from './interaction.model';
import {
  CreateInteractionInput,
  Interaction,
  InteractionConnection,
  InteractionFilterInput,
  InteractionListPage as InteractionListPageType,
} from './interaction.type';

/** A lookup of an interaction: from the cache when held (returned as is), else through the request's loader. */
function lookupOf(ctx: GraphQLContext, kind: LookupKind, id: string): LookupRecord | Promise<LookupRecord> {
  const cached = lookupCacheOf(ctx.db).getById(kind, id);
  if (cached) return cached;
  return ctx.loaders.lookups[kind].load(id).then((lookup) => {
    // Foreign keys make this impossible short of a concurrent delete racing the read.
    if (!lookup) throw new AppError('INTERNAL', `${kind} ${id} vanished`);
    return lookup;
  });
}

const IDEMPOTENCY_KEY_DESCRIPTION =
  'Retries with the same key and input within 24 h return the original result without writing (REST: Idempotency-Key).';

@Resolver(() => Interaction)
export class InteractionResolver {
  @RequireScope('read')
  @Rows({ arg: 'limit', default: LIST_PAGING.defaultLimit, max: LIST_PAGING.maxLimit })
  @Query(() => InteractionListPageType, {
    description: 'Interactions matching the filter, newest first, one page at a time.',
  })
  interactions(
    @Ctx() { db }: GraphQLContext,
    @Arg('filter', () => InteractionFilterInput, { nullable: true }) filter?: InteractionFilter,
    @Arg('page', () => Int, { nullable: true, description: '1-based, default 1. Not with `cursor`.' }) page?: number,
    @Arg('limit', () => Int, { nullable: true, description: 'Default 50; above 100 is taken as 100.' }) limit?: number,
    @Arg('cursor', () => String, {
      nullable: true,
      description: 'A `pagination.nextCursor`: the page after it (send the same filter again). Not with `page`.',
    })
    cursor?: string | null,
  ): Promise<InteractionListPage> {
    return findInteractions(db, { filter: filter ?? {}, page, limit, cursor });
  }

  @RequireScope('read')
  @Rows({ arg: 'first', default: LIST_PAGING.defaultLimit, max: LIST_PAGING.maxLimit })
  @Query(() => InteractionConnection, {
    description: 'Interactions matching the filter, newest first, as a Relay connection walked with `first`/`after`.',
  })
  async interactionsConnection(
    @Ctx() { db }: GraphQLContext,
    @Arg('filter', () => InteractionFilterInput, { nullable: true }) filter?: InteractionFilter,
    @Arg('first', () => Int, { nullable: true, description: 'Default 50; above 100 is taken as 100.' }) first?: number,
    @Arg('after', () => String, {
      nullable: true,
      description: 'An edge cursor or `endCursor` (REST `nextCursor` too): the rows after it.',
    })
    after?: string | null,
  ): Promise<InteractionConnectionResult> {
    const slice = await findInteractionsAfter(db, { filter: filter ?? {}, first, after });
    const edges = slice.items.map((node) => ({ cursor: cursorAfter(node, slice.page), node }));
    return {
      edges,
      pageInfo: {
        hasNextPage: slice.hasNext,
        hasPreviousPage: slice.hasPrev,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      filter: { ...filter },
    };
  }

  @RequireScope('read')
  @Query(() => Interaction, { description: 'One interaction by id (NOT_FOUND when absent).' })
  interaction(@Arg('id', () => ID) id: string, @Ctx() { db }: GraphQLContext): Promise<InteractionRecord> {
    return getInteraction(db, { id });
  }

  @RequireScope('write')
  @Mutation(() => Interaction, { description: 'Records one interaction.' })
  async createInteraction(
    @Arg('input', () => CreateInteractionInput) input: CreateInteractionInput,
    @Ctx() { db, config, principal, metrics, interactionWriter }: GraphQLContext,
    @Arg('idempotencyKey', () => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
    idempotencyKey?: string | null,
  ): Promise<InteractionRecord> {
    const row = await createInteraction(db, {
      input,
      writer: interactionWriter,
      idempotency: idempotencyKey ? { apiKeyId: principal!.keyId, key: idempotencyKey } : null,
      maxJsonDepth: config.maxJsonDepth,
    });
    metrics.interactionsIngested.inc();
    return row;
  }

  @RequireScope('write')
  @Rows({ lengthOf: 'inputs' })
  @Mutation(() => [Interaction], {
    description:
      'Records up to 1,000 interactions atomically: all are validated first (any invalid → nothing written), then written in one insert. Returned in input order.',
  })
  async createInteractions(
    @Arg('inputs', () => [CreateInteractionInput]) inputs: CreateInteractionInput[],
    @Ctx() { db, config, principal, metrics }: GraphQLContext,
    @Arg('idempotencyKey', () => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
    idempotencyKey?: string | null,
  ): Promise<InteractionRecord[]> {
    const rows = await createInteractions(db, {
      inputs,
      idempotency: idempotencyKey ? { apiKeyId: principal!.keyId, key: idempotencyKey } : null,
      maxJsonDepth: config.maxJsonDepth,
    });
    metrics.interactionsIngested.inc(rows.length);
    return rows;
  }

  // Lookups come from the lookup cache when it holds them (the usual case: a few rows, read once), synchronously:
  // no promise per field per row, which was a large share of executing a 50-row page. Otherwise the loader batches.
  @FieldResolver(() => ResourceType)
  resourceType(@Root() row: InteractionRecord, @Ctx() ctx: GraphQLContext): LookupRecord | Promise<LookupRecord> {
    return lookupOf(ctx, 'resourceType', row.resourceTypeId);
  }

  @FieldResolver(() => Action)
  action(@Root() row: InteractionRecord, @Ctx() ctx: GraphQLContext): LookupRecord | Promise<LookupRecord> {
    return lookupOf(ctx, 'action', row.actionId);
  }

  @FieldResolver(() => Origin)
  origin(@Root() row: InteractionRecord, @Ctx() ctx: GraphQLContext): LookupRecord | Promise<LookupRecord> {
    return lookupOf(ctx, 'origin', row.originId);
  }
}

/** What `interactionsConnection` resolves to: the filter travels along for `totalCount`. */
interface InteractionConnectionResult {
  edges: { cursor: string; node: InteractionRecord }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  filter: InteractionFilter;
}

@Resolver(() => InteractionConnection)
export class InteractionConnectionResolver {
  /** The count is a query of its own, run only when the client selects the field. */
  @FieldResolver(() => Int)
  totalCount(@Root() connection: InteractionConnectionResult, @Ctx() { db }: GraphQLContext): Promise<number> {
    return countInteractions(db, { filter: connection.filter });
  }
}
