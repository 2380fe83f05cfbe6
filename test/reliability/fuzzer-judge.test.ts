/** The fuzzer's judge (test/reliability/fuzzer.ts): what it lets pass and what it flags. */
import { judge, type FuzzRequest } from './fuzzer';

const graphqlRequest: FuzzRequest = { method: 'POST', path: '/graphql', headers: {}, why: 'graphql' };
const restRequest: FuzzRequest = { method: 'GET', path: '/api/actions', headers: {}, why: 'rest' };
const answer = (status: number, body: unknown) => ({ status, body: JSON.stringify(body) });

it('flags a GraphQL internal error even when the status is 200', () => {
  const res = answer(200, {
    data: { a: null },
    errors: [{ message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
  });
  expect(judge(graphqlRequest, res)).toMatch(/^GraphQL INTERNAL_SERVER_ERROR/);
});

it('flags a GraphQL error without a code', () => {
  expect(judge(graphqlRequest, answer(400, { errors: [{ message: 'x' }] }))).toMatch(/without extensions.code/);
});

it('lets coded GraphQL errors and plain data pass', () => {
  expect(judge(graphqlRequest, answer(200, { data: { a: 1 } }))).toBeNull();
  expect(
    judge(graphqlRequest, answer(400, { errors: [{ message: 'x', extensions: { code: 'BAD_USER_INPUT' } }] })),
  ).toBeNull();
});

it('REST errors must have the documented shape', () => {
  expect(judge(restRequest, answer(400, { error: { code: 'VALIDATION_ERROR', message: 'm' } }))).toBeNull();
  expect(judge(restRequest, answer(400, { message: 'm' }))).toMatch(/^error shape/);
  expect(judge(restRequest, answer(503, { error: { code: 'UNAVAILABLE', message: 'm' } }))).not.toBeNull();
});
