import { Arg, Ctx, ID, Mutation, Query, Resolver, type ClassType } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { RequireScope } from '../graphql/operation-plan';
import { createLookup, deleteLookup, getLookup, listLookups, updateLookup } from './lookup.service';
import { LOOKUP_KINDS, type LookupKind, type LookupRecord } from './lookup.kinds';
import { Action, LookupInput, Origin, ResourceType } from './lookup.type';

/** Builds the queries and mutations of one lookup kind; the three kinds differ only in names. */
function createLookupResolver(kind: LookupKind, objectType: ClassType) {
  const singular = kind;
  const { plural } = LOOKUP_KINDS[kind];
  const pascal = singular[0].toUpperCase() + singular.slice(1);

  @Resolver(() => objectType)
  class LookupResolver {
    @RequireScope('read')
    @Query(() => [objectType], { name: plural, description: `All ${plural}, by mnemonic.` })
    list(@Ctx() { db }: GraphQLContext): Promise<LookupRecord[]> {
      return listLookups(db, { kind });
    }

    @RequireScope('read')
    @Query(() => objectType, { name: singular, description: `One ${singular} by id (NOT_FOUND when absent).` })
    get(@Arg('id', () => ID) id: string, @Ctx() { db }: GraphQLContext): Promise<LookupRecord> {
      return getLookup(db, { kind, id });
    }

    @RequireScope('admin')
    @Mutation(() => objectType, {
      name: `create${pascal}`,
      description: `Creates a ${singular} (CONFLICT on a taken mnemonic).`,
    })
    create(@Arg('input', () => LookupInput) input: LookupInput, @Ctx() { db }: GraphQLContext): Promise<LookupRecord> {
      return createLookup(db, { kind, input });
    }

    @RequireScope('admin')
    @Mutation(() => objectType, { name: `update${pascal}`, description: `Changes the given fields of a ${singular}.` })
    update(
      @Arg('id', () => ID) id: string,
      @Arg('input', () => LookupInput) input: LookupInput,
      @Ctx() { db }: GraphQLContext,
    ): Promise<LookupRecord> {
      return updateLookup(db, { kind, id, input });
    }

    @RequireScope('admin')
    @Mutation(() => objectType, {
      name: `delete${pascal}`,
      description: `Deletes a ${singular} (CONFLICT when in use).`,
    })
    delete(@Arg('id', () => ID) id: string, @Ctx() { db }: GraphQLContext): Promise<LookupRecord> {
      return deleteLookup(db, { kind, id });
    }
  }
  return LookupResolver;
}

export const ResourceTypeResolver = createLookupResolver('resourceType', ResourceType);
export const ActionResolver = createLookupResolver('action', Action);
export const OriginResolver = createLookupResolver('origin', Origin);
