import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { RequireScope, Rows } from '../graphql/operation-plan';
import type { Page } from '../input/pagination';
import type { InteractionRecord } from '../interactions/interaction.model';
import { Interaction } from '../interactions/interaction.type';
import {
  ACTIVITY_DEFAULT_LIMIT,
  ACTIVITY_INTERACTIONS_DEFAULT_LIMIT,
  ACTIVITY_INTERACTIONS_MAX_LIMIT,
  ACTIVITY_MAX_LIMIT,
  findActivity,
  type ActivityGroupRecord,
} from './activity.service';
import { ActivityGroup, ActivityInput, ActivityPage } from './activity.type';

@Resolver(() => ActivityGroup)
export class ActivityResolver {
  @RequireScope('read')
  @Rows({ inputArg: 'input', field: 'limit', default: ACTIVITY_DEFAULT_LIMIT, max: ACTIVITY_MAX_LIMIT })
  @Query(() => ActivityPage, {
    description: 'Interactions touching any of the resources, grouped by user and unit of work, newest group first.',
  })
  activity(
    @Arg('input', () => ActivityInput) input: ActivityInput,
    @Ctx() { db }: GraphQLContext,
  ): Promise<Page<ActivityGroupRecord>> {
    const { page, limit, ...query } = input;
    return findActivity(db, { query, page, limit });
  }

  @Rows({ arg: 'limit', default: ACTIVITY_INTERACTIONS_DEFAULT_LIMIT, max: ACTIVITY_INTERACTIONS_MAX_LIMIT })
  @FieldResolver(() => [Interaction], {
    description: "The group's matching interactions in chronological order (batched).",
  })
  interactions(
    @Root() group: ActivityGroupRecord,
    @Ctx() { loaders }: GraphQLContext,
    @Arg('limit', () => Int, { nullable: true, description: 'Default 10; above 100 is taken as 100.' }) limit?: number,
  ): Promise<InteractionRecord[]> {
    return loaders.activityGroupInteractions.load({
      userId: group.userId,
      uowId: group.uowId,
      match: group.match,
      limit,
    });
  }
}
