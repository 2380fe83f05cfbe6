import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type AuthChecker } from 'type-graphql';
import { ApiKeyResolver } from '../auth/api-key.resolver';
import { requireScope, SCOPES, type Scope } from '../auth/scopes';
import { AppError } from '../errors/app-error';
import { InteractionConnectionResolver, InteractionResolver } from '../interactions/interaction.resolver';
import { ActionResolver, OriginResolver, ResourceTypeResolver } from '../lookups/lookup.resolver';
import { TimelineResolver } from '../timeline/timeline.resolver';
import type { GraphQLContext } from './context';
import { InteractionTraceResolver, TraceResolver } from '../traces/trace.resolver';
import { ActivityResolver } from '../activity/activity.resolver';
import { RetentionResolver } from '../retention/retention.resolver';
import { FeedResolver } from '../feed/feed.resolver';
import { IntegrityResolver } from '../integrity/integrity.resolver';

/** Every resolver of the API; a new domain adds its resolvers here. */
export const RESOLVERS = [
  ResourceTypeResolver,
  ActionResolver,
  OriginResolver,
  InteractionResolver,
  InteractionConnectionResolver,
  ApiKeyResolver,
  TimelineResolver,
  TraceResolver,
  InteractionTraceResolver,
  ActivityResolver,
  RetentionResolver,
  FeedResolver,
  IntegrityResolver,
] as const;

// `@RequireScope('read')` etc. per field: the same coded errors REST reports. The operation's plan checked every
// scope before execution (and charged the rate limit); this is the field's own guard.
const authChecker: AuthChecker<GraphQLContext> = ({ context }, roles) => {
  if (!context.principal) throw new AppError('UNAUTHENTICATED', 'An API key is required (x-api-key header)');
  for (const role of roles) {
    if (!(SCOPES as readonly string[]).includes(role)) throw new AppError('INTERNAL', `unknown scope ${role}`);
    requireScope(context.principal, role as Scope);
  }
  return true;
};

let schema: Promise<GraphQLSchema> | null = null;

/** The executable schema; built once per process, since resolvers hold no state (the context carries it). */
export function getSchema(): Promise<GraphQLSchema> {
  schema ??= buildSchema({
    resolvers: RESOLVERS as unknown as [Function, ...Function[]],
    authChecker,
    validate: false,
    // type-graphql asks for a PubSub once any subscription exists; interactionAdded brings its own `subscribe` (the
    // live feed), so this one is never used.
    pubSub: {
      publish: () => undefined,
      subscribe: () => {
        throw new Error('no PubSub: subscriptions subscribe themselves');
      },
    },
  });
  return schema;
}
