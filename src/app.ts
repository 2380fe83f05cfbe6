import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { authenticate } from './auth/auth.middleware';
import { localRequestLimiter, type RequestLimiter } from './auth/rate-limiter';
import { graphiqlPage, serveConsole } from './console/console.middleware';
import type { Config } from './config';
import type { Database } from './db/database';
import { AppError, httpStatusFor } from './errors/app-error';
import type { GraphQLContext } from './graphql/context';
import { asAppError } from './db/errors';
import { formatGraphQLError, httpStatusPlugin } from './graphql/errors';
import { queryLimitsRule } from './graphql/limits';
import { createLoaders, type Loaders } from './graphql/loaders';
import { createExecutor, localGateway } from './graphql/executor';
import { createInteractionCoalescer } from './interactions/interaction.coalescer';
import type { InteractionWriter } from './interactions/interaction.insert';
import { operationPlanPlugin } from './graphql/operation-plan';
import { getSchema } from './graphql/schema';
import { withStatementLimit } from './db/request-database';
import { createLogger, type Logger } from './observability/logger';
import { createMetrics, type Metrics } from './observability/metrics';
import { requestObserver } from './observability/request.middleware';
import { createRestRouter, sendError } from './rest/adapter';
import { bodyDepthLimit, bodyReadError, createBodyBudget, readJsonBody } from './rest/body';
import { buildOpenApiDocument } from './rest/openapi';
import { REST_ROUTES } from './rest/routes';
import { LiveFeed } from './feed/live-feed';
import type { VerifyingKey } from './integrity/signing-key';
import { attachSubscriptionServer } from './feed/feed.ws';
import type { Server } from 'node:http';
import type { Principal } from './auth/scopes';
import { weakEtag } from './crypto/hash';

export interface BuildAppOptions {
  db: Database;
  config: Config;
  /** Structured logger; defaults to JSON lines on stdout at `config.logLevel`. */
  logger?: Logger;
  /** Metrics registry; one is made when absent. */
  metrics?: Metrics;
  /** Where single creates are written; default: a coalescer configured from `config` (main.ts passes its own to flush it on shutdown). */
  interactionWriter?: InteractionWriter;
  /** The built web console; defaults to web/dist (tests point it elsewhere). */
  consoleDir?: string;
  /**
   * The per-key rate limit; default: counted in this process. main.ts passes the Redis-shared one when REDIS_URL is
   * set (and closes it on shutdown).
   */
  rateLimiter?: RequestLimiter;
  /**
   * The live feed of this instance; default: one made from `config`, which reads nothing until its first
   * subscription. main.ts passes its own to end every stream on shutdown (tests that subscribe close theirs too).
   */
  liveFeed?: LiveFeed;
  /** The key checkpoints are signed with (main.ts loads INTEGRITY_KEY_FILE); verification trusts it. Default none. */
  integrityKey?: VerifyingKey | null;
  /**
   * What `GET /metrics` answers (Prometheus text); default this app's registry. A worker of WEB_CONCURRENCY passes
   * the service's, every process's metrics summed by the primary (src/cluster.ts).
   */
  scrapeMetrics?: () => Promise<string>;
}

/** Attaches GraphQL subscriptions (graphql-ws at /graphql) of an app made by buildApp to its HTTP server. */
const subscriptionServers = new WeakMap<express.Express, (server: Server) => () => Promise<void>>();

/**
 * Serves the app's GraphQL subscriptions over WebSocket on `server` (the same port, path /graphql); resolves nothing,
 * returns a function that closes the WebSocket server and its sockets.
 */
export function attachSubscriptions(app: express.Express, server: Server): () => Promise<void> {
  const attach = subscriptionServers.get(app);
  if (!attach) throw new Error('attachSubscriptions: not an app made by buildApp');
  return attach(server);
}

/** What closeApp stops for each app buildApp made: only what buildApp itself started. */
const closers = new WeakMap<express.Express, () => Promise<void>>();

/**
 * Stops what `buildApp` started for `app`: Apollo, and the interaction writer and rate limiter when buildApp made
 * them (ones passed in belong to the caller, as main.ts's do). The database stays open: it was passed in too.
 * For tests and scripts that build apps in a long-lived process; the service shuts down through main.ts.
 * Safe to call more than once.
 */
export async function closeApp(app: express.Express): Promise<void> {
  const close = closers.get(app);
  closers.delete(app);
  await close?.();
}

/** Builds the HTTP app (REST, GraphQL, health, metrics) over an open database. Does not listen. */
export async function buildApp({
  db,
  config,
  logger,
  metrics,
  consoleDir,
  interactionWriter: givenWriter,
  rateLimiter: givenLimiter,
  liveFeed,
  integrityKey = null,
  scrapeMetrics,
}: BuildAppOptions): Promise<express.Express> {
  const log = logger ?? createLogger({ level: config.logLevel });
  const meter = metrics ?? createMetrics(db);
  const ownWriter = givenWriter ? null : createInteractionCoalescer(db, config, meter);
  const interactionWriter: InteractionWriter = givenWriter ?? ownWriter!;
  const ownLimiter = givenLimiter ? null : localRequestLimiter(config.rateLimitPerMinute);
  const rateLimiter: RequestLimiter = givenLimiter ?? ownLimiter!;
  const schema = await getSchema();
  // One request may run at most half the pool's statements at once (one, on a pool of one): a hostile operation of
  // many aliases waits for its own slots instead of taking every connection from other clients.
  const statementShare = Math.max(1, Math.floor(config.databasePoolSize / 2));
  const bodyBudget = createBodyBudget(config.maxInflightBodyBytes);
  const feed =
    liveFeed ??
    new LiveFeed(db, {
      maxSubscriptions: config.maxSubscriptions,
      maxSubscriptionsPerKey: config.maxSubscriptionsPerKey,
      bufferEvents: config.feedBufferEvents,
      log,
    });
  const contextOf = (principal: Principal | null): GraphQLContext => {
    const requestDb = withStatementLimit(db, statementShare);
    let loaders: Loaders | undefined;
    return {
      db: requestDb,
      config,
      principal,
      // Made on first use: most operations (a get by id, a create) load nothing through them.
      get loaders() {
        return (loaders ??= createLoaders(requestDb));
      },
      metrics: meter,
      interactionWriter,
      feed,
      integrityKey,
      async chargeRateLimit(scope, units) {
        if (principal) await rateLimiter.take(`${principal.keyId}:${scope}`, units);
      },
    };
  };
  const contextFor = (req: Request): GraphQLContext => contextOf(req.principal ?? null);
  const reportInternal = (error: unknown, req: Request) =>
    log.error({ reqId: req.id, method: req.method, path: req.baseUrl + req.path, err: error }, 'unexpected error');

  // One executor (graphql-jit, compiled per operation) for /graphql and the REST routes alike.
  const executor = createExecutor(schema);
  const apollo = new ApolloServer<GraphQLContext>({
    gateway: localGateway(schema, executor),
    formatError: formatGraphQLError,
    introspection: config.graphqlIntrospection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    validationRules: [queryLimitsRule({ maxDepth: config.graphqlMaxDepth, maxFields: config.graphqlMaxFields })],
    // Automatic persisted queries: bounded to 8 MiB and 5 minutes, so they cannot grow memory without end.
    persistedQueries: { cache: new InMemoryLRUCache({ maxSize: 8 * 1024 * 1024, ttl: 300 }) },
    // Browsers get the bundled GraphiQL (graphiqlPage) instead of Apollo's landing page, which loads from a CDN.
    // No cache hints are used; Apollo's cache-control plugin would wrap every resolver of the schema to look for
    // them (REST's included). httpStatusPlugin sends the `Cache-Control: no-store` it used to.
    plugins: [
      operationPlanPlugin(config.graphqlMaxCost),
      httpStatusPlugin,
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
    ],
    logger: {
      debug: () => undefined,
      info: () => undefined,
      warn: (message) => log.warn({ source: 'apollo' }, String(message)),
      error: (message) => log.error({ source: 'apollo' }, String(message)),
    },
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'extended');
  // The default weak ETag, hashed in one call (src/crypto/hash.ts).
  app.set('etag', weakEtag);
  app.use(requestObserver(log, meter));
  app.use(
    helmet({
      // The console and the GraphQL explorer are served from this origin only; nothing loads from elsewhere.
      contentSecurityPolicy: {
        directives: {
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
        },
      },
    }),
  );
  if (config.corsOrigins.length > 0) {
    const any = config.corsOrigins.includes('*');
    app.use(
      cors({
        origin: any ? true : config.corsOrigins,
        allowedHeaders: [
          'content-type',
          'x-api-key',
          'x-uowid',
          'x-userid',
          'x-interaction-timestamp',
          'x-request-id',
          'idempotency-key',
        ],
        exposedHeaders: ['x-request-id', 'retry-after'],
        maxAge: 600,
      }),
    );
  }

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await db.ping();
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', meter.registry.contentType);
    res.send(await (scrapeMetrics ? scrapeMetrics() : meter.registry.metrics()));
  });

  // The OpenAPI document describes the API, not data: public, like /healthz, so tools can fetch it without a key.
  const openApiDocument = buildOpenApiDocument(REST_ROUTES);
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });

  // The key first, for every /api route: its scope comes next (per route), and only then is a body read.
  app.use('/api', authenticate(db, sendError));
  // Mounted at /api: other paths (/graphql, the console) do not walk the REST table's routes.
  app.use(
    '/api',
    createRestRouter({
      schema,
      executor,
      routes: REST_ROUTES,
      config,
      contextFor,
      onInternalError: reportInternal,
      bodyBudget,
    }),
  );

  const graphqlAuth = authenticate(db, (res, error) => {
    res
      .status(httpStatusFor(error.code))
      .json({ errors: [{ message: error.message, extensions: { code: error.code } }] });
  });
  app.get('/graphql', graphiqlPage({ dir: consoleDir }));
  app.use(
    '/graphql',
    (req: Request, res: Response, next: NextFunction) => {
      // A plain GET /graphql (no operation) needs no key: browsers got GraphiQL above; others get Apollo's answer.
      if (req.method === 'GET' && req.query.query === undefined) return next();
      return graphqlAuth(req, res, next);
    },
    // The body once the key is known, with the same size and depth limits as REST.
    (req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'POST') return next();
      readJsonBody(req, res, {
        limit: config.maxBodyBytes,
        maxDepth: bodyDepthLimit(config.maxJsonDepth),
        budget: bodyBudget,
      }).then(() => next(), next);
    },
    expressMiddleware(apollo, { context: async ({ req }) => contextFor(req) }),
  );

  // The web console: static assets and index.html for client routes; never shadows the paths above.
  app.use(serveConsole({ dir: consoleDir }));
  // Any other path (an unknown /api route included, once its key passed), unless a browser asked for a console
  // page: a coded JSON 404.
  app.use((req: Request, res: Response) =>
    sendError(res, new AppError('NOT_FOUND', `No route ${req.method} ${req.originalUrl}`)),
  );

  // Body parser failures, database outages and anything unexpected: coded JSON errors, never a stack trace.
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const appError = bodyReadError(error) ?? asAppError(error);
    if (appError.code === 'INTERNAL') reportInternal(error, req);
    sendError(res, appError);
  });
  subscriptionServers.set(app, (server) =>
    attachSubscriptionServer(server, {
      schema,
      db,
      contextOf,
      maxPayloadBytes: config.maxBodyBytes,
      limits: { maxDepth: config.graphqlMaxDepth, maxFields: config.graphqlMaxFields },
    }),
  );
  closers.set(app, async () => {
    await ownWriter?.close(); // writes what is pending first: callers are answered before Apollo stops
    await ownLimiter?.close();
    await apollo.stop();
  });
  return app;
}
