import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import { authenticate } from './auth/auth.middleware';
import { graphiqlPage, serveConsole } from './console/console.middleware';
import type { Config } from './config';
import type { Database } from './db/database';
import { AppError, errorBody, httpStatusFor } from './errors/app-error';
import type { GraphQLContext } from './graphql/context';
import { formatGraphQLError } from './graphql/errors';
import { createLoaders } from './graphql/loaders';
import { getSchema } from './graphql/schema';
import { createRestRouter, sendError } from './rest/adapter';
import { REST_ROUTES } from './rest/routes';

export interface BuildAppOptions {
  db: Database;
  config: Config;
  /** Where unexpected errors are reported; defaults to stderr. */
  logError?: (error: unknown, context: { method: string; path: string }) => void;
  /** The built web console; defaults to web/dist (tests point it elsewhere). */
  consoleDir?: string;
}

const defaultLogError = (error: unknown, context: { method: string; path: string }) => {
  console.error(JSON.stringify({ level: 'error', msg: 'unexpected error', ...context, error: String(error) }));
};

/** Builds the HTTP app (REST, GraphQL, health) over an open database. Does not listen. */
export async function buildApp({ db, config, logError = defaultLogError, consoleDir }: BuildAppOptions): Promise<express.Express> {
  const schema = await getSchema();
  const contextFor = (req: Request): GraphQLContext => ({
    db,
    config,
    principal: req.principal ?? null,
    loaders: createLoaders(db),
  });
  const reportInternal = (error: unknown, req: Request) => logError(error, { method: req.method, path: req.path });

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError: formatGraphQLError,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // Browsers get the bundled GraphiQL (graphiqlPage) instead of Apollo's landing page, which loads from a CDN.
    plugins: [ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'extended');

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

  app.use(['/api', '/graphql'], express.json({ limit: '1mb', strict: false }));

  app.use('/api', authenticate(db, sendError));
  app.use(createRestRouter(schema, REST_ROUTES, contextFor, reportInternal));
  app.use('/api', (req, res) => sendError(res, new AppError('NOT_FOUND', `No route ${req.method} ${req.originalUrl}`)));

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

  // Body parser failures and anything unexpected: coded JSON errors, never a stack trace.
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const appError = bodyParserError(error) ?? new AppError('INTERNAL', 'Internal server error');
    if (appError.code === 'INTERNAL') reportInternal(error, req);
    res.status(httpStatusFor(appError.code)).json(errorBody(appError));
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
      return new AppError('VALIDATION_ERROR', 'Unsupported body encoding');
    default:
      return null;
  }
}
