import type { Principal } from '../auth/scopes';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { InteractionWriter } from '../interactions/interaction.service';
import type { Loaders } from './loaders';

/** What every resolver receives: the database, the caller and this request's loaders. */
export interface GraphQLContext {
  db: Database;
  config: Config;
  principal: Principal | null;
  loaders: Loaders;
  /** Where single creates go: the app's coalescer (groups concurrent creates into one insert). */
  interactionWriter: InteractionWriter;
}
