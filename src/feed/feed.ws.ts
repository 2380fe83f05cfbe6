import type { Server } from 'node:http';
import {
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { authenticateApiKey } from '../auth/api-key.service';
import type { Principal } from '../auth/scopes';
import type { Database } from '../db/database';
import type { GraphQLContext } from '../graphql/context';
import { formatGraphQLError } from '../graphql/errors';
import { queryLimitsRule } from '../graphql/limits';

/** WebSocket close code for a subscriber that fell too far behind (its last cursor is in the close reason). */
export const CLOSE_SLOW_CONSUMER = 4008;
/** WebSocket close code when the service stops (the standard "going away"), last cursor in the reason. */
export const CLOSE_GOING_AWAY = 1001;

export interface SubscriptionServerOptions {
  schema: GraphQLSchema;
  db: Database;
  /** The same context a /graphql request of this caller gets. */
  contextOf: (principal: Principal) => GraphQLContext;
  /** Largest message accepted from a client (MAX_BODY_BYTES). */
  maxPayloadBytes: number;
  /** The depth and field limits of /graphql. */
  limits: { maxDepth: number; maxFields: number };
}

function formatted(errors: readonly GraphQLError[]) {
  return errors.map((error) => formatGraphQLError(error.toJSON(), error));
}

/**
 * GraphQL subscriptions over the graphql-ws protocol on the service's own port, at /graphql (as Apollo Server 5
 * documents it: `ws` + `graphql-ws` beside the HTTP server). The API key comes in `connection_init` as `x-api-key`
 * (an unknown or revoked key is closed with 4403); operations get the same validation and limits as /graphql, and
 * only subscriptions are served here. Returns a function that closes the server and every socket.
 */
export function attachSubscriptionServer(server: Server, options: SubscriptionServerOptions): () => Promise<void> {
  const { schema, db, contextOf, maxPayloadBytes, limits } = options;
  const rules = [...specifiedRules, queryLimitsRule(limits)];
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: maxPayloadBytes });
  const disposable = useServer<Record<string, unknown>, { principal: Principal }>(
    {
      schema,
      async onConnect(ctx) {
        const key = ctx.connectionParams?.['x-api-key'];
        if (typeof key !== 'string') return false;
        const principal = await authenticateApiKey(db, { key }).catch(() => null);
        if (!principal) return false;
        ctx.extra.principal = principal;
        return true;
      },
      onSubscribe(ctx, _id, payload) {
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error as GraphQLError];
        }
        const problems = validate(schema, document, rules);
        if (problems.length > 0) return problems;
        if (getOperationAST(document, payload.operationName)?.operation !== 'subscription') {
          return [
            new GraphQLError(
              'Only subscriptions are served over WebSocket; send queries and mutations to POST /graphql',
            ),
          ];
        }
        const contextValue = contextOf(ctx.extra.principal!);
        contextValue.onFeedSubscriber = (subscriber) =>
          subscriber.onEnd((reason) => {
            if (reason === 'closed') return;
            const code = reason === 'slow' ? CLOSE_SLOW_CONSUMER : CLOSE_GOING_AWAY;
            ctx.extra.socket.close(code, JSON.stringify({ reason, after: subscriber.lastCursor }));
          });
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: formatted(result.errors) } : undefined,
      onError: (_ctx, _id, _payload, errors) => formatted(errors),
    },
    wss,
  );
  return async () => {
    await disposable.dispose();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}
