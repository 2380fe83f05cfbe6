import { apiKeyRoutes } from '../auth/api-key.routes';
import { interactionRoutes } from '../interactions/interaction.routes';
import { lookupRoutesTable } from '../lookups/lookup.routes';
import { timelineRoutes } from '../timeline/timeline.routes';
import type { RestRoute } from './route';
import { traceRoutes } from '../traces/trace.routes';
import { activityRoutes } from '../activity/activity.routes';
import { exportRoutes } from '../interactions/interaction.export.routes';
import { retentionRoutes } from '../retention/retention.routes';
import { feedRoutes } from '../feed/feed.routes';
import { integrityRoutes } from '../integrity/integrity.routes';

/** The whole REST table, in matching order (literal paths before parameterised siblings). */
export const REST_ROUTES: readonly RestRoute[] = [
  // Literal /api/interactions/timeline… paths first: /api/interactions/:id would swallow them.
  ...timelineRoutes,
  ...exportRoutes,
  ...feedRoutes,
  ...integrityRoutes,
  ...interactionRoutes,
  ...lookupRoutesTable,
  ...apiKeyRoutes,
  ...traceRoutes,
  ...activityRoutes,
  ...retentionRoutes,
];
