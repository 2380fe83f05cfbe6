import { createConnection } from 'node:net';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { AppError } from '../../src/errors/app-error';
import { createBodyBudget, readJsonBody } from '../../src/rest/body';

// readJsonBody reads plain UTF-8 JSON bodies itself and leaves every other body to body-parser (src/rest/body.ts).
// A media-type parameter body-parser ignores (`x=1`) sends the same bytes down body-parser's path: both paths must
// give the same body, or the same error.
const budget = createBodyBudget(1024 * 1024);
const app = express();
app.post('/read', (req: Request, res: Response, next: NextFunction) => {
  readJsonBody(req, res, { limit: 64, maxDepth: 4, budget }).then(
    (body) => res.json({ body: body === undefined ? '<undefined>' : body }),
    (error: unknown) => next(error),
  );
});
app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
  const appError = error instanceof AppError ? error : null;
  res.status(appError ? 400 : 500).json({ error: appError ? [appError.code, appError.message] : String(error) });
});

const send = async (type: string, bytes: Buffer) => {
  const res = await request(app)
    .post('/read')
    .set('content-type', type)
    .serialize((raw: unknown) => raw as string)
    .send(bytes);
  return { status: res.status, body: res.body };
};

const bodies: [string, Buffer][] = [
  ['an object', Buffer.from('{"a":1,"b":[true,null,"ü☃"]}')],
  ['an array', Buffer.from('[1,2,3]')],
  ['a string', Buffer.from('"just text"')],
  ['a number', Buffer.from('42')],
  ['a byte-order mark first', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"bom":true}')])],
  ['invalid UTF-8 inside a string', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
  ['whitespace only', Buffer.from('   ')],
  ['invalid JSON', Buffer.from('{"a":')],
  ['a trailing comma', Buffer.from('[1,]')],
  ['too deep', Buffer.from('[[[[[[[1]]]]]]]')],
  ['too large for the limit', Buffer.from(`{"a":"${'x'.repeat(80)}"}`)],
  ['the largest allowed', Buffer.from(`{"a":"${'x'.repeat(56)}"}`)],
];

describe.each([
  ['application/json', 'application/json; x=1'],
  ['application/json; charset=utf-8', 'application/json; charset=utf-8; x=1'],
  ['APPLICATION/JSON; Charset="UTF-8"', 'APPLICATION/JSON; Charset="UTF-8"; x=1'],
])('Content-Type %s', (plain, viaParser) => {
  it.each(bodies)('%s: the same as body-parser', async (_name, bytes) => {
    const [expected, got] = [await send(viaParser, bytes), await send(plain, bytes)];
    expect(got).toEqual(expected);
  });
});

it('reads what body-parser reads: the largest body and a byte-order mark', async () => {
  expect((await send('application/json', Buffer.from(`{"a":"${'x'.repeat(56)}"}`))).body).toEqual({
    body: { a: 'x'.repeat(56) },
  });
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[1]')]);
  expect((await send('application/json', bom)).body).toEqual({ body: [1] });
  expect((await send('application/json', Buffer.from('{"a":'))).body).toEqual({
    error: ['VALIDATION_ERROR', 'The request body is not valid JSON'],
  });
});

it('refuses an upload cut short, releases its bytes and keeps serving', async () => {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const socket = createConnection({ port, host: '127.0.0.1' });
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST /read HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n{"a":');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(budget.inUse()).toBe(60);
    socket.destroy();
    for (let i = 0; i < 50 && budget.inUse() !== 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(budget.inUse()).toBe(0);
    const after = await fetch(`http://127.0.0.1:${port}/read`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"still":"serving"}',
    });
    expect(await after.json()).toEqual({ body: { still: 'serving' } });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
