/**
 * The executor (src/graphql/executor.ts): a document's first run is graphql-js's, later ones graphql-jit's compiled
 * function, and a client cannot tell them apart: the same data, the same errors with the same codes, messages,
 * locations and paths. The HTTP suites run both kinds through every route; this pins the seam itself.
 */
import { execute, GraphQLError, parse, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { AppError } from '../../src/errors/app-error';
import type { GraphQLContext } from '../../src/graphql/context';
import { createExecutor } from '../../src/graphql/executor';
import { getSchema } from '../../src/graphql/schema';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await getSchema();
});

/** A context without a key: every field that needs one refuses with UNAUTHENTICATED, before any database use. */
const anonymous = { principal: null } as unknown as GraphQLContext;

/** What a client sees of a result: its JSON, plus each error's code from its cause. */
function seen(result: ExecutionResult) {
  return {
    json: JSON.parse(JSON.stringify(result)),
    causes: (result.errors ?? []).map((error) => {
      expect(error).toBeInstanceOf(GraphQLError);
      // Apollo reads `extensions` of every error: graphql-js always sets it.
      expect(error.extensions).toEqual(expect.any(Object));
      return error.originalError instanceof AppError ? error.originalError.code : null;
    }),
  };
}

it('answers a refused field the same on every run, as graphql-js does', async () => {
  const run = createExecutor(schema);
  const document = parse('query One($id: ID!) { interaction(id: $id) { id resourceId } }');
  const variableValues = { id: '01890f4c-0000-7000-8000-000000000000' };
  const reference = seen(await execute({ schema, document, variableValues, contextValue: anonymous }));
  expect(reference.causes).toEqual(['UNAUTHENTICATED']);
  expect(reference.json.errors[0].path).toEqual(['interaction']);
  for (let i = 0; i < 3; i += 1) {
    expect(seen(await run({ document, variableValues, contextValue: anonymous }))).toEqual(reference);
  }
});

it('refuses variables of the wrong type with graphql-js words and no data, compiled or not', async () => {
  const run = createExecutor(schema);
  const document = parse('query Page($limit: Int) { interactions(limit: $limit) { items { id } } }');
  const variableValues = { limit: 'ten' };
  const reference = seen(await execute({ schema, document, variableValues, contextValue: anonymous }));
  expect(reference.json.data).toBeUndefined();
  expect(reference.json.errors[0].message).toMatch(/^Variable "\$limit" got invalid value "ten"/);
  for (let i = 0; i < 3; i += 1) {
    expect(seen(await run({ document, variableValues, contextValue: anonymous }))).toEqual(reference);
  }
});

it('keeps each operation of a document apart by name', async () => {
  const run = createExecutor(schema);
  const document = parse(`
    query A($limit: Int) { interactions(limit: $limit) { items { id } } }
    query B { me { name } }
  `);
  for (let i = 0; i < 2; i += 1) {
    const a = seen(
      await run({ document, operationName: 'A', variableValues: { limit: 'x' }, contextValue: anonymous }),
    );
    const b = seen(await run({ document, operationName: 'B', variableValues: {}, contextValue: anonymous }));
    expect(a.json.data).toBeUndefined();
    expect(b.json.errors[0].path).toEqual(['me']);
    expect(b.causes).toEqual(['UNAUTHENTICATED']);
  }
});
