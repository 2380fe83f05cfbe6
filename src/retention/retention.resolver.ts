import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { retentionPolicyOf } from './maintenance';
import { getRetentionStatus } from './retention.service';
import { RetentionStatus } from './retention.type';

@Resolver(() => RetentionStatus)
export class RetentionResolver {
  @Authorized('admin')
  @Query(() => RetentionStatus, {
    description: 'The retention policy, the partitions with their rows and sizes, and what the next run drops.',
  })
  async retention(@Ctx() { db, config }: GraphQLContext): Promise<RetentionStatus> {
    const status = await getRetentionStatus(db, { policy: retentionPolicyOf(config) });
    const { retentionDays, interval, archiveDir } = status.policy;
    return { ...status, policy: { retentionDays, interval, archives: archiveDir !== null } };
  }
}
