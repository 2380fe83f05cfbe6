import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { authenticate } from './auth/auth.middleware';
import { RateLimiter } from './auth/rate-limiter';
import { graphiqlPage, serveConsole } from './console/console.middleware';
import type { Config } from './config';
import type { Database } from './db/database';
import { AppError, httpStatusFor } from './errors/app-error';
import type { GraphQLContext } from './graphql/context';
import { asAppError, formatGraphQLError, httpStatusPlugin } from './graphql/errors';
import { queryLimitsRule } from './graphql/limits';
import { createLoaders } from './graphql/loaders';
import { createInteractionCoalescer } from './interactions/interaction.coalescer';
import type { InteractionWriter } from './interactions/interaction.service';
import { getSchema } from './graphql/schema';
import { createLogger, type Logger } from './observability/logger';
import { createMetrics, type Metrics } from './observability/metrics';
import { requestObserver } from './observability/request.middleware';
import { createRestRouter, sendError } from './rest/adapter';
import { buildOpenApiDocument } from './rest/openapi';
import { REST_ROUTES } from './rest/routes';

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
}

/** Builds the HTTP app (REST, GraphQL, health, metrics) over an open database. Does not listen. */
export async function buildApp({
  db,
  config,
  logger,
  metrics,
  consoleDir,
  interactionWriter = createInteractionCoalescer(db, config),
}: BuildAppOptions): Promise<express.Express> {
  const log = logger ?? createLogger({ level: config.logLevel });
  const meter = metrics ?? createMetrics(db);
  const schema = await getSchema();
  const rateLimiter = new RateLimiter(config.rateLimitPerMinute);
  const contextFor = (req: Request): GraphQLContext => {
    const charged = new Set<string>();
    const principal = req.principal ?? null;
    return {
      db,
      config,
      principal,
      loaders: createLoaders(db),
      metrics: meter,
      interactionWriter,
      chargeRateLimit(scope) {
        if (!principal || charged.has(scope)) return;
        charged.add(scope);
        rateLimiter.take(`${principal.keyId}:${scope}`);
      },
    };
  };
  const reportInternal = (error: unknown, req: Request) =>
    log.error({ reqId: req.id, method: req.method, path: req.path, err: error }, 'unexpected error');

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError: formatGraphQLError,
    introspection: config.graphqlIntrospection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    validationRules: [queryLimitsRule({ maxDepth: config.graphqlMaxDepth, maxFields: config.graphqlMaxFields })],
    // Automatic persisted queries: bounded to 8 MiB and 5 minutes, so they cannot grow memory without end.
    persistedQueries: { cache: new InMemoryLRUCache({ maxSize: 8 * 1024 * 1024, ttl: 300 }) },
    // Browsers get the bundled GraphiQL (graphiqlPage) instead of Apollo's landing page, which loads from a CDN.
    plugins: [httpStatusPlugin, ApolloServerPluginLandingPageDisabled()],
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
  app.use(requestObserver(log, meter));
  app.use(
    helmet({
      // The console and the GraphQL explorer are served from this origin only; nothing loads from elsewhere.
      contentSecurityPolicy: {
        directives: { 'script-src': ["'self'"], 'style-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'] },
      },
    }),
  );
  if (config.corsOrigins.length > 0) {
    const any = config.corsOrigins.includes('*');
    app.use(
      cors({
        origin: any ? true : config.corsOrigins,
        allowedHeaders: ['content-type', 'x-api-key', 'x-uowid', 'x-userid', 'x-interaction-timestamp', 'x-request-id', 'idempotency-key'],
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
    res.send(await meter.registry.metrics());
  });

  // A batch of 1,000 interactions with real payloads outgrows 1 MB; the larger limit holds for that route only.
  app.use('/api/interactions/batch', express.json({ limit: config.maxBatchBodyBytes, strict: false }));
  app.use(['/api', '/graphql'], express.json({ limit: config.maxBodyBytes, strict: false }));

  // The OpenAPI document describes the API, not data: public, like /healthz, so tools can fetch it without a key.
  const openApiDocument = buildOpenApiDocument(REST_ROUTES);
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });

  app.use('/api', authenticate(db, sendError));
  app.use(createRestRouter(schema, REST_ROUTES, contextFor, reportInternal));

  const graphqlAuth = authenticate(db, (res, error) => {
    res.status(httpStatusFor(error.code)).json({ errors: [{ message: error.message, extensions: { code: error.code } }] });
  });
  app.get('/graphql', graphiqlPage({ dir: consoleDir }));
  app.use(
    '/graphql',
    (req: Request, res: Response, next: NextFunction) => {
      // A plain GET /graphql (no operation) needs no key: browsers got GraphiQL above; others get Apollo's answer.
      if (req.method === 'GET' && req.query.query === undefined) return next();
      return graphqlAuth(req, res, next);
    },
    expressMiddleware(apollo, { context: async ({ req }) => contextFor(req) }),
  );

  // The web console: static assets and index.html for client routes; never shadows the paths above.
  app.use(serveConsole({ dir: consoleDir }));
  // Any other path (an unknown /api route included, once its key passed), unless a browser asked for a console
  // page: a coded JSON 404.
  app.use((req: Request, res: Response) => sendError(res, new AppError('NOT_FOUND', `No route ${req.method} ${req.originalUrl}`)));

  // Body parser failures, database outages and anything unexpected: coded JSON errors, never a stack trace.
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const appError = bodyParserError(error) ?? asAppError(error);
    if (appError.code === 'INTERNAL') reportInternal(error, req);
    sendError(res, appError);
  });
  return app;
}

function bodyParserError(error: unknown): AppError | null {
  if (typeof error !== 'object' || error === null || !('type' in error)) return null;
  switch ((error as { type: string }).type) {
    case 'entity.parse.failed':
      return new AppError('VALIDATION_ERROR', 'The request body is not valid JSON');
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AppError('VALIDATION_ERROR', 'The request body could not be read');
    default:
      return null;
  }
}
