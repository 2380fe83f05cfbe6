import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { RequireScope } from '../graphql/operation-plan';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyRecord } from './api-key.service';
import { ApiKey, CreateApiKeyInput, CreatedApiKey, Me } from './api-key.type';
import type { Principal } from './scopes';

@Resolver()
export class ApiKeyResolver {
  @RequireScope()
  @Query(() => Me, { description: 'The key making this request and its scopes.' })
  me(@Ctx() { principal }: GraphQLContext): Principal {
    return principal as Principal;
  }

  @RequireScope('admin')
  @Query(() => [ApiKey], { description: 'Every API key, newest first.' })
  apiKeys(@Ctx() { db }: GraphQLContext): Promise<ApiKeyRecord[]> {
    return listApiKeys(db);
  }

  @RequireScope('admin')
  @Mutation(() => CreatedApiKey, { description: 'Creates an API key and returns its value once.' })
  createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() { db }: GraphQLContext) {
    return createApiKey(db, input);
  }

  @RequireScope('admin')
  @Mutation(() => ApiKey, { description: 'Revokes an API key at once.' })
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() { db }: GraphQLContext): Promise<ApiKeyRecord> {
    return revokeApiKey(db, { id });
  }
}
