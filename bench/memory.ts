import autocannon from 'autocannon';
import { memoryOf, npmStartNodeArgs, startServer } from './server';

/** The memory scenario's name, as `--scenarios` takes it. */
export const MEMORY_SCENARIO = 'read-memory-100';

export interface MemoryResult {
  status: 'ok';
  description: string;
  connections: number;
  seconds: number;
  /** The service's node flags: those of `npm start` (package.json), and no NODE_OPTIONS. */
  nodeArgs: string[];
  requests: number;
  requestsPerSecond: number;
  non2xx: number;
  errors: number;
  /** RSS before the load, the largest sample during it, and after `settleSeconds` of quiet. */
  rssMb: { beforeLoad: number | null; peak: number | null; afterLoad: number | null };
  /** The kernel's peak RSS of the whole process (VmHWM), read before it stops. */
  vmHwmMb: number | null;
  settleSeconds: number;
}

/**
 * `GET /api/interactions?limit=50` at `connections` for `seconds`, against a service of its own started with the
 * node flags of `npm start` and no NODE_OPTIONS (the other scenarios run with the bench's own flags), sampling its RSS every 100 ms, then
 * `settleSeconds` of quiet before the after-load sample: what the process still holds once the load is gone.
 */
export async function runReadMemory(
  serverEnv: Record<string, string>,
  key: string,
  { seconds, connections, settleSeconds }: { seconds: number; connections: number; settleSeconds: number },
  serverDir?: string,
): Promise<MemoryResult> {
  const nodeArgs = npmStartNodeArgs(serverDir);
  const server = await startServer({ ...serverEnv, NODE_OPTIONS: '' }, serverDir, nodeArgs);
  try {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const beforeLoad = memoryOf(server.pid)?.rssMb ?? null;
    let peak = beforeLoad ?? 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, memoryOf(server.pid)?.rssMb ?? 0);
    }, 100);
    const result = await autocannon({
      url: `${server.url}/api/interactions?limit=50`,
      connections,
      duration: seconds,
      timeout: 30,
      headers: { 'x-api-key': key },
    });
    clearInterval(sampler);
    peak = Math.max(peak, memoryOf(server.pid)?.rssMb ?? 0);
    await new Promise((resolve) => setTimeout(resolve, settleSeconds * 1000));
    const afterLoad = memoryOf(server.pid)?.rssMb ?? null;
    const vmHwmMb = memoryOf(server.pid)?.hwmMb ?? null;
    return {
      status: 'ok',
      description: `GET /api/interactions?limit=50 at ${connections} connections for ${seconds} s, service with npm start's V8 settings`,
      connections,
      seconds,
      nodeArgs,
      requests: result.requests.total,
      requestsPerSecond: result.requests.average,
      non2xx: result.non2xx,
      errors: result.errors,
      rssMb: { beforeLoad, peak: peak || null, afterLoad },
      vmHwmMb,
      settleSeconds,
    };
  } finally {
    await server.stop();
  }
}
