/**
 * The bench's peer (`npm run bench -- --peer postgraphile`, bench/peer.ts): PostGraphile 4 as its standalone CLI
 * runs it — its middleware on a plain node http server — on the bench's database. Run as a process of its own, so
 * its CPU time is counted as the service's is. Configuration of the measurement issue 16 quotes: a pool of 10,
 * dynamic JSON, the connection-filter plugin; no watch, no GraphiQL, no query log. `usePartitionedParent`: without it
 * PostGraphile 4 leaves the partitioned `interactions` out (relkind 'p') and exposes each partition as a table.
 *
 * Environment: DATABASE_URL, PORT. Prints "ready" once its schema is built.
 */
import http from 'node:http';
import Module from 'node:module';
import path from 'node:path';
import { Pool } from 'pg';
import type { postgraphile as PostGraphile, PostGraphileOptions } from 'postgraphile';

/**
 * PostGraphile 4 needs graphql 15; the service's graphql 16 sits at the root of node_modules, so npm nests graphql 15
 * twice: under postgraphile and under graphile-build-pg (hoisted to the root), each with its own graphile-build. Two
 * graphql modules in one schema fail ("Unexpected input type: Int"), so in this process (PostGraphile's alone) every
 * `graphql` and `graphile-build` resolves to postgraphile's own copy.
 */
function oneGraphqlModule(): void {
  const postgraphileDir = path.dirname(require.resolve('postgraphile/package.json'));
  const dirOf = (name: string) => path.dirname(require.resolve(`${name}/package.json`, { paths: [postgraphileDir] }));
  const redirects = ['graphql', 'graphile-build'].map((name) => ({ name, dir: dirOf(name) }));
  const loader = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const resolve = loader._resolveFilename;
  loader._resolveFilename = function (request: string, ...rest: unknown[]) {
    const redirect = redirects.find(({ name }) => request === name || request.startsWith(`${name}/`));
    const target = redirect ? redirect.dir + request.slice(redirect.name.length) : request;
    return resolve.call(this, target, ...rest);
  };
}

const PEER_POOL_SIZE = 10;

async function main() {
  oneGraphqlModule();
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded after the redirect above */
  const { postgraphile } = require('postgraphile') as { postgraphile: typeof PostGraphile };
  const ConnectionFilterPlugin = require('postgraphile-plugin-connection-filter') as NonNullable<
    PostGraphileOptions['appendPlugins']
  >[number];
  /* eslint-enable @typescript-eslint/no-require-imports */
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: PEER_POOL_SIZE });
  const middleware = postgraphile(pool, 'public', {
    appendPlugins: [ConnectionFilterPlugin],
    dynamicJson: true,
    usePartitionedParent: true,
    watchPg: false,
    graphiql: false,
    disableQueryLog: true,
    retryOnInitFail: false,
    setofFunctionsContainNulls: false,
    legacyRelations: 'omit',
  });
  const server = http.createServer(middleware);
  server.listen(Number(process.env.PORT), '127.0.0.1');
  const stop = () => {
    server.close();
    void middleware.release().then(() => pool.end());
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
