import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import {
  execute,
  getOperationAST,
  GraphQLError,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { GraphQLContext } from './context';

/** One operation to run: what graphql-js's `execute` takes, less the schema. */
export interface Execution {
  document: DocumentNode;
  /** As JSON carries them: no undefined values (src/rest/adapter.ts's withoutUndefined). */
  variableValues?: Record<string, unknown> | null;
  contextValue: GraphQLContext;
  operationName?: string | null;
}

/** Runs operations against one schema; `/graphql` and the REST routes both run through it. */
export type Executor = (execution: Execution) => Promise<ExecutionResult> | ExecutionResult;

/** A document run once, by graphql-js: its second run compiles it. */
const SEEN_ONCE = Symbol('seen once');

/**
 * The executor of `schema`: each query and mutation is compiled by graphql-jit the second time it runs, into a
 * function that resolves, coerces and serialises that operation alone, and the compiled form is reused for as long as
 * its parsed document lives (the REST routes' documents for ever; `/graphql`'s while Apollo's document cache keeps
 * them, since the same query text gets the same parsed document). Same schema, same resolvers, same answers as
 * graphql-js: only the walk over the document is done once instead of per request (docs/adr/108-per-request-cost.md).
 *
 * Subscriptions (served over graphql-ws by graphql-js), and any document graphql-jit refuses, run through graphql-js.
 */
export function createExecutor(schema: GraphQLSchema): Executor {
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null | typeof SEEN_ONCE>>();
  const compiledFor = (document: DocumentNode, operationName: string | null | undefined): CompiledQuery | null => {
    let byName = compiled.get(document);
    if (!byName) compiled.set(document, (byName = new Map()));
    const key = operationName ?? '';
    let query = byName.get(key);
    if (query === undefined) {
      // A document's first run is graphql-js's: compiling costs more than one run, and a client that sends a new
      // query each time (within the depth and field limits) must not make the service compile each of them.
      byName.set(key, SEEN_ONCE);
      return null;
    }
    if (query === SEEN_ONCE) {
      const operation = getOperationAST(document, operationName);
      const result =
        operation && operation.operation !== 'subscription'
          ? compileQuery(schema, document, operationName ?? undefined)
          : null;
      query = result && isCompiledQuery(result) ? result : null;
      byName.set(key, query);
    }
    return query;
  };
  return ({ document, variableValues, contextValue, operationName }) => {
    const query = compiledFor(document, operationName);
    const run = () => execute({ schema, document, variableValues, contextValue, operationName });
    if (!query) return run();
    const result = query.query(undefined, contextValue, variableValues ?? {});
    const settle = (done: ExecutionResult) =>
      // No `data` at all: the variables were refused before anything ran. graphql-js words that refusal (and Apollo
      // codes it BAD_USER_INPUT) from its own errors, so it runs the request again to give exactly its answer.
      'data' in done ? withGraphQLErrors(done) : run();
    return isPromise(result) ? result.then(settle) : settle(result);
  };
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T>)?.then === 'function';
}

/**
 * graphql-jit's errors are GraphQLErrors by prototype only: built without graphql-js's constructor, they lack
 * `extensions` when their cause has none, which Apollo's error formatting reads. Each becomes graphql-js's own, with
 * the same message, locations, path and cause, so errors look the same whichever executor ran. Errors are rare: the
 * cost is off the hot path.
 */
function withGraphQLErrors(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((error) => {
    const copy = new GraphQLError(error.message, {
      path: error.path,
      originalError: error.originalError ?? undefined,
      extensions: error.extensions,
    });
    // Locations come from parsed nodes in graphql-js; graphql-jit computed them already.
    Object.defineProperty(copy, 'locations', { value: error.locations, enumerable: error.locations !== undefined });
    return copy;
  });
  return { ...result, errors };
}

/**
 * Apollo Server runs operations itself unless it is given a gateway; this one serves the local schema and hands each
 * parsed, validated operation (Apollo's plugins, validation rules and document cache all still apply) to `executor`.
 * Apollo Server 5's documented way to plug in another executor (the `executor` option of version 3 is gone).
 */
export function localGateway(
  schema: GraphQLSchema,
  executor: Executor,
): ApolloServerOptionsWithGateway<GraphQLContext>['gateway'] {
  return {
    async load() {
      return {
        executor: (request) =>
          executor({
            document: request.document,
            variableValues: request.request.variables,
            contextValue: request.context as GraphQLContext,
            operationName: request.operationName,
          }) as Promise<ExecutionResult & { data?: Record<string, unknown> | null }>,
      };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async stop() {},
  };
}
