import express from 'express';
import request from 'supertest';
import { weakEtag } from '../../src/crypto/hash';
import { sendAnswer } from '../../src/rest/adapter';

// A REST answer is written by sendAnswer instead of Express's res.json (src/rest/adapter.ts): the same status,
// headers and bytes must reach the client, revalidation (If-None-Match → 304) included.
const answer = { interactionId: 'a1', text: 'naïve ☃ and "quotes"', items: [1, 2, 3], none: null };

const app = express();
app.set('etag', weakEtag);
app.all('/express', (req, res) => {
  if (req.method === 'GET' || req.method === 'HEAD') res.status(200).json(answer);
  else res.status(201).type('json').end(JSON.stringify(answer));
});
app.all('/lean', (req, res) => sendAnswer(req, res, req.method === 'GET' || req.method === 'HEAD' ? 200 : 201, answer));

const seen = (res: request.Response) => ({
  status: res.status,
  text: res.text,
  type: res.headers['content-type'],
  length: res.headers['content-length'],
  etag: res.headers.etag,
});

describe('sendAnswer against res.json', () => {
  let etag: string;
  beforeAll(async () => {
    etag = (await request(app).get('/express')).headers.etag;
    expect(etag).toMatch(/^W\/"/);
  });

  const cases: [string, 'get' | 'head' | 'post' | 'patch', Record<string, string>][] = [
    ['a read', 'get', {}],
    ['a HEAD', 'head', {}],
    ['a write', 'post', {}],
    ['a write (PATCH)', 'patch', {}],
    ['a read revalidated with its ETag', 'get', { 'if-none-match': '<etag>' }],
    ['a HEAD revalidated with its ETag', 'head', { 'if-none-match': '<etag>' }],
    ['a read revalidated with a list holding its ETag', 'get', { 'if-none-match': 'W/"1-x", <etag>' }],
    ['a read revalidated with *', 'get', { 'if-none-match': '*' }],
    ['a read revalidated with another ETag', 'get', { 'if-none-match': 'W/"5-abc"' }],
    ['a read revalidated but told no-cache', 'get', { 'if-none-match': '<etag>', 'cache-control': 'no-cache' }],
    ['a read with If-Modified-Since only', 'get', { 'if-modified-since': new Date().toUTCString() }],
    ['a write with If-None-Match', 'post', { 'if-none-match': '<etag>' }],
  ];
  it.each(cases)('%s: the same status, body and headers', async (_name, method, headers) => {
    const send = async (path: string) => {
      let req = request(app)[method](path);
      for (const [name, value] of Object.entries(headers)) req = req.set(name, value.replace('<etag>', etag));
      return seen(await req);
    };
    const [expected, got] = [await send('/express'), await send('/lean')];
    expect(got).toEqual(expected);
  });

  it('answers 304 with no body when the ETag matches, and the full answer otherwise', async () => {
    const fresh = await request(app).get('/lean').set('if-none-match', etag);
    expect([fresh.status, fresh.text, fresh.headers['content-type']]).toEqual([304, '', undefined]);
    const stale = await request(app).get('/lean').set('if-none-match', 'W/"5-abc"');
    expect([stale.status, JSON.parse(stale.text)]).toEqual([200, answer]);
  });
});
