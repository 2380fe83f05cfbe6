import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import type { InteractionRecord, Page } from '../interactions/interaction.service';
import { Interaction } from '../interactions/interaction.type';
import { findActivity, type ActivityGroupRecord } from './activity.service';
import { ActivityGroup, ActivityInput, ActivityPage } from './activity.type';

@Resolver(() => ActivityGroup)
export class ActivityResolver {
  @Authorized('read')
  @Query(() => ActivityPage, {
    description: 'Interactions touching any of the resources, grouped by user and unit of work, newest group first.',
  })
  activity(@Arg('input', () => ActivityInput) input: ActivityInput, @Ctx() { db }: GraphQLContext): Promise<Page<ActivityGroupRecord>> {
    const { page, limit, ...query } = input;
    return findActivity(db, { query, page, limit });
  }

  @FieldResolver(() => [Interaction], { description: "The group's matching interactions in chronological order (batched)." })
  interactions(
    @Root() group: ActivityGroupRecord,
    @Ctx() { loaders }: GraphQLContext,
    @Arg('limit', () => Int, { nullable: true, description: 'Default 10; above 100 is taken as 100.' }) limit?: number,
  ): Promise<InteractionRecord[]> {
    return loaders.activityGroupInteractions.load({ userId: group.userId, uowId: group.uowId, match: group.match, limit });
  }
}
