import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AppError } from '../errors/app-error';
import type { GraphQLContext } from '../graphql/context';
import type { LookupRecord } from '../lookups/lookup.service';
import { Action, Origin, ResourceType } from '../lookups/lookup.type';
import {
  createInteraction,
  createInteractions,
  findInteractions,
  getInteraction,
  type InteractionRecord,
  type Page,
} from './interaction.service';
import { CreateInteractionInput, Interaction, InteractionFilterInput, InteractionPage } from './interaction.type';

function present(lookup: LookupRecord | null, what: string, id: string): LookupRecord {
  // Foreign keys make this impossible short of a concurrent delete racing the read.
  if (!lookup) throw new AppError('INTERNAL', `${what} ${id} vanished`);
  return lookup;
}

const IDEMPOTENCY_KEY_DESCRIPTION =
  'Retries with the same key and input within 24 h return the original result without writing (REST: Idempotency-Key).';

@Resolver(() => Interaction)
export class InteractionResolver {
  @Authorized('read')
  @Query(() => InteractionPage, { description: 'Interactions matching the filter, newest first, one page at a time.' })
  interactions(
    @Ctx() { db }: GraphQLContext,
    @Arg('filter', () => InteractionFilterInput, { nullable: true }) filter?: InteractionFilterInput,
    @Arg('page', () => Int, { nullable: true, description: '1-based, default 1.' }) page?: number,
    @Arg('limit', () => Int, { nullable: true, description: 'Default 50; above 100 is taken as 100.' }) limit?: number,
  ): Promise<Page<InteractionRecord>> {
    return findInteractions(db, { filter: filter ?? {}, page, limit });
  }

  @Authorized('read')
  @Query(() => Interaction, { description: 'One interaction by id (NOT_FOUND when absent).' })
  interaction(@Arg('id', () => ID) id: string, @Ctx() { db }: GraphQLContext): Promise<InteractionRecord> {
    return getInteraction(db, { id });
  }

  @Authorized('write')
  @Mutation(() => Interaction, { description: 'Records one interaction.' })
  async createInteraction(
    @Arg('input', () => CreateInteractionInput) input: CreateInteractionInput,
    @Ctx() { db, config, principal, metrics, interactionWriter }: GraphQLContext,
    @Arg('idempotencyKey', () => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
    idempotencyKey?: string | null,
  ): Promise<InteractionRecord> {
    const row = await createInteraction(db, {
      input: { ...input },
      writer: interactionWriter,
      idempotency: idempotencyKey ? { apiKeyId: principal!.keyId, key: idempotencyKey } : null,
      maxJsonDepth: config.maxJsonDepth,
    });
    metrics.interactionsIngested.inc();
    return row;
  }

  @Authorized('write')
  @Mutation(() => [Interaction], {
    description: 'Records up to 1,000 interactions atomically: all are validated first (any invalid → nothing written), then written in one insert. Returned in input order.',
  })
  async createInteractions(
    @Arg('inputs', () => [CreateInteractionInput]) inputs: CreateInteractionInput[],
    @Ctx() { db, config, principal, metrics }: GraphQLContext,
    @Arg('idempotencyKey', () => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
    idempotencyKey?: string | null,
  ): Promise<InteractionRecord[]> {
    const rows = await createInteractions(db, {
      inputs: inputs.map((input) => ({ ...input })),
      idempotency: idempotencyKey ? { apiKeyId: principal!.keyId, key: idempotencyKey } : null,
      maxJsonDepth: config.maxJsonDepth,
    });
    metrics.interactionsIngested.inc(rows.length);
    return rows;
  }

  @FieldResolver(() => ResourceType)
  async resourceType(@Root() row: InteractionRecord, @Ctx() { loaders }: GraphQLContext): Promise<LookupRecord> {
    return present(await loaders.resourceTypeById.load(row.resourceTypeId), 'resource type', row.resourceTypeId);
  }

  @FieldResolver(() => Action)
  async action(@Root() row: InteractionRecord, @Ctx() { loaders }: GraphQLContext): Promise<LookupRecord> {
    return present(await loaders.actionById.load(row.actionId), 'action', row.actionId);
  }

  @FieldResolver(() => Origin)
  async origin(@Root() row: InteractionRecord, @Ctx() { loaders }: GraphQLContext): Promise<LookupRecord> {
    return present(await loaders.originById.load(row.originId), 'origin', row.originId);
  }
}
