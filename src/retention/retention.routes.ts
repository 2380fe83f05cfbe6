import { RestRetentionDocument } from '../generated/graphql';
import { ref } from '../rest/schema';
import { operationRoute, type RestRoute } from '../rest/route';

/** REST routes of retention (admin). */
export const retentionRoutes: RestRoute[] = [
  operationRoute({
    method: 'get',
    path: '/api/retention',
    summary: 'Retention policy, partitions with rows and sizes, and what the next run drops',
    scope: 'admin',
    operation: RestRetentionDocument,
    variables: () => ({}),
    present: (data) => data.retention,
    response: ref('Retention'),
  }),
];
