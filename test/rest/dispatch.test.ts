import express, { Router, type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { routeTable, type TableRoute } from '../../src/rest/dispatch';
import { REST_ROUTES } from '../../src/rest/routes';

// The REST table is served by routeTable instead of Express's Router (src/rest/dispatch.ts). Both are given the
// real table's methods and paths, with a handler that answers which route it was and its decoded parameters; every
// request below must get the same answer from both.
const answer = (name: string) => (req: Request, res: Response) => {
  res.json({ route: name, params: req.params });
};
const routes: TableRoute[] = REST_ROUTES.map((route) => ({
  method: route.method,
  path: route.path.slice('/api'.length),
  label: route.path,
  handle: answer(`${route.method} ${route.path}`),
}));

function appWith(mount: express.RequestHandler) {
  const app = express();
  app.use('/api', mount);
  app.use((req: Request, res: Response) => {
    res.status(404).json({ unmatched: `${req.method} ${req.originalUrl}` });
  });
  app.use((error: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(error.status ?? 500).json({ error: error.message });
  });
  return app;
}

const router = Router();
for (const route of routes) router[route.method](route.path, route.handle);
const viaRouter = appWith(router);
const viaTable = appWith(routeTable(routes));

const requests: [string, string][] = [
  ['GET', '/api/interactions/0192f0c4-1111-7aaa-8bbb-123456789abc'],
  ['GET', '/api/interactions/timeline'],
  ['GET', '/api/interactions/timeline/'],
  ['GET', '/API/Interactions/Timeline'],
  ['GET', '/api/interactions/abc/proof'],
  ['GET', '/api/interactions?resourceId=x'],
  ['POST', '/api/interactions'],
  ['POST', '/api/interactions/batch'],
  ['POST', '/api/interactions/timeline/refresh'],
  ['PATCH', '/api/actions/a%20b'],
  ['DELETE', '/api/keys/k1'],
  ['GET', '/api/traces/u%2F1/summary'],
  ['GET', '/api/traces/u1'],
  ['HEAD', '/api/interactions/abc'],
  ['GET', '/api/interactions/%ZZ'],
  ['GET', '/api/keys/%ff%fe'],
  ['POST', '/api/interactions/%E0%A4%A'],
  ['GET', '/api/actions/%'],
  ['PUT', '/api/interactions'],
  ['PUT', '/api/keys/%ff%fe'],
  ['PATCH', '/api/interactions'],
  ['GET', '/api/nothing/here'],
  ['GET', '/api/interactions/a/b/c'],
  ['OPTIONS', '/api/interactions'],
  ['OPTIONS', '/api/interactions/abc'],
  ['OPTIONS', '/api/actions/x'],
  ['OPTIONS', '/api/keys/%ff'],
  ['OPTIONS', '/api/nothing'],
];

it.each(requests)('%s %s: the same answer as Express’s Router', async (method, path) => {
  const send = async (app: express.Express) => {
    const res = await request(app)[method.toLowerCase() as 'get'](path);
    return {
      status: res.status,
      text: res.text,
      allow: res.headers.allow,
      type: res.headers['content-type'],
      length: res.headers['content-length'],
    };
  };
  const [expected, got] = [await send(viaRouter), await send(viaTable)];
  expect(got).toEqual(expected);
});

it('dispatches routes in table order, literal paths before parameters', async () => {
  const res = await request(viaTable).get('/api/interactions/export');
  expect(res.body.route).toBe('get /api/interactions/export');
  const byId = await request(viaTable).get('/api/interactions/some-id');
  expect(byId.body).toEqual({ route: 'get /api/interactions/:id', params: { id: 'some-id' } });
});

it('passes a handler’s rejection to the error handler', async () => {
  const failing = appWith(
    routeTable([
      {
        method: 'get',
        path: '/boom',
        label: '/api/boom',
        handle: async () => {
          throw Object.assign(new Error('handler failed'), { status: 418 });
        },
      },
    ]),
  );
  const res = await request(failing).get('/api/boom');
  expect([res.status, res.body]).toEqual([418, { error: 'handler failed' }]);
});
