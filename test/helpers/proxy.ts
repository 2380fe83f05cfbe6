import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** The real app on an ephemeral port. */
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export async function listen(app: Express | Handler): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A proxy in front of `upstream` that answers 503 UNAVAILABLE (Retry-After: 0) to the next `failures` requests:
 * `before` without forwarding them, `after` once upstream has handled them (the write happened, the answer is lost).
 */
export async function faultyProxy(upstream: string) {
  const plan = { failures: 0, when: 'before' as 'before' | 'after', seen: [] as string[], hideBatchRoute: false };
  const fail = (res: ServerResponse) => {
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' });
    res.end(JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'injected by the test proxy' } }));
  };
  const proxy = await listen((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      plan.seen.push(`${req.method} ${req.url} ${req.headers['idempotency-key'] ?? ''}`);
      const failThis = plan.failures > 0;
      if (failThis) plan.failures--;
      if (failThis && plan.when === 'before') return fail(res);
      if (plan.hideBatchRoute && req.url?.startsWith('/api/interactions/batch')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'No route (hidden by the test proxy)' } }));
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers))
        if (typeof value === 'string' && name !== 'host') headers[name] = value;
      const answer = await fetch(upstream + req.url, {
        method: req.method,
        headers,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      });
      const text = await answer.text();
      if (failThis) return fail(res);
      const back: Record<string, string> = {};
      for (const name of ['content-type', 'x-request-id', 'retry-after', 'x-uowid']) {
        const value = answer.headers.get(name);
        if (value !== null) back[name] = value;
      }
      res.writeHead(answer.status, back);
      res.end(text);
    });
  });
  return {
    url: proxy.url,
    plan,
    /** Answer 404 for the batch route, as a service without it would. */
    hideBatchRoute(hidden: boolean) {
      plan.hideBatchRoute = hidden;
    },
    /** Fail the next `n` requests, before or after upstream handles them. */
    failNext(n: number, when: 'before' | 'after' = 'before') {
      plan.failures = n;
      plan.when = when;
      plan.seen.length = 0;
    },
    close: proxy.close,
  };
}
