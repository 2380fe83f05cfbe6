import type { Principal, Scope } from '../auth/scopes';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { Metrics } from '../observability/metrics';
import type { InteractionWriter } from '../interactions/interaction.insert';
import type { FeedSubscriber } from '../feed/feed.subscriber';
import type { LiveFeed } from '../feed/live-feed';
import type { VerifyingKey } from '../integrity/signing-key';
import type { Loaders } from './loaders';

/** What every resolver receives: the database, the caller and this request's loaders. */
export interface GraphQLContext {
  db: Database;
  config: Config;
  principal: Principal | null;
  loaders: Loaders;
  metrics: Metrics;
  /**
   * Charges `units` against the caller's rate limit for `scope` (the operation's plan says how many, before it
   * runs); rejects with RATE_LIMITED when exhausted (a shared limiter asks Redis).
   */
  chargeRateLimit(scope: Scope, units: number): Promise<void>;
  /** Where single creates go: the app's coalescer (groups concurrent creates into one insert). */
  interactionWriter: InteractionWriter;
  /** The instance's live feed (subscriptions: SSE and GraphQL). */
  feed: LiveFeed;
  /** The key checkpoints are signed with (its public half; null when sealing is off): what verification trusts. */
  integrityKey: VerifyingKey | null;
  /** Set by a transport that must act when a subscription ends (the WebSocket closes on a slow consumer). */
  onFeedSubscriber?: (subscriber: FeedSubscriber) => void;
}
