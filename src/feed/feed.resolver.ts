import { Arg, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { RequireScope } from '../graphql/operation-plan';
import type { InteractionFilter } from '../interactions/interaction.filter';
import { InteractionFilterInput } from '../interactions/interaction.type';
import type { FeedEvent } from './feed.read';
import { InteractionFeedEvent } from './feed.type';

interface InteractionAddedArgs {
  filter?: InteractionFilter | null;
  after?: string | null;
}

/** Opens the caller's subscription (charged one unit of its read rate limit) and hands it to the transport. */
async function subscribeInteractionAdded({ args, context }: SubscribeResolverData<unknown, InteractionAddedArgs>) {
  const ctx = context as GraphQLContext;
  await ctx.chargeRateLimit('read', 1);
  const subscriber = await ctx.feed.subscribe({
    keyId: ctx.principal!.keyId,
    filter: args.filter ?? {},
    after: args.after,
  });
  ctx.onFeedSubscriber?.(subscriber);
  return subscriber;
}

@Resolver()
export class FeedResolver {
  @RequireScope('read')
  @Subscription(() => InteractionFeedEvent, {
    description:
      'Every interaction committed from now on (or after the cursor `after`; `0` for the whole log) that matches ' +
      'the filter, once each, in feed order, over graphql-ws at /graphql (the API key in connection_init as ' +
      '`x-api-key`). A consumer too slow to keep up is disconnected (close code 4008, its last cursor in the reason).',
    subscribe: subscribeInteractionAdded,
  })
  interactionAdded(
    @Root() event: FeedEvent,
    @Arg('filter', () => InteractionFilterInput, { nullable: true, description: 'The list filters.' })
    _filter?: InteractionFilter,
    @Arg('after', () => String, {
      nullable: true,
      description: "Resume after this cursor (an event's `cursor`); `0` replays the whole log; absent: from now on.",
    })
    _after?: string,
  ): InteractionFeedEvent {
    return { cursor: event.cursor, interaction: event.record };
  }
}
