export { InteractionsClient, createHeaders } from './client';
export {
  HttpClient,
  InteractionsError,
  retryAfterMs,
  retryDelayMs,
  type ClientOptions,
  type RetryOptions,
  type RequestOptions,
} from './http';
export { followFeed, type FeedStatus, type FollowFeedOptions } from './feed';
export { SseParser, type SseEvent } from './sse';
export { InteractionLogger, type LoggerOptions, type LoggerStats } from './logger';
export {
  recordInteractions,
  outgoingHeaders,
  uowIdOf,
  type MiddlewareOptions,
  type InteractionSink,
} from './middleware';
export * from './types';
export * as operations from './generated/graphql';
