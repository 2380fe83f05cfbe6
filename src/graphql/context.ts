import type { Principal, Scope } from '../auth/scopes';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { Metrics } from '../observability/metrics';
import type { InteractionWriter } from '../interactions/interaction.service';
import type { Loaders } from './loaders';

/** What every resolver receives: the database, the caller and this request's loaders. */
export interface GraphQLContext {
  db: Database;
  config: Config;
  principal: Principal | null;
  loaders: Loaders;
  metrics: Metrics;
  /** Charges this request once against the caller's rate limit for `scope`; throws RATE_LIMITED when exhausted. */
  chargeRateLimit(scope: Scope): void;
  /** Where single creates go: the app's coalescer (groups concurrent creates into one insert). */
  interactionWriter: InteractionWriter;
}
