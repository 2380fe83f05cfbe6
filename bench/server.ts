import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';

/**
 * V8 flags the service runs with: `BENCH_SERVER_NODE_OPTIONS`, default the flags of `npm start` itself (the `node`
 * flags of package.json's `start` script), so the bench measures the service as users run it, memory included
 * (issue 16). Set `BENCH_SERVER_NODE_OPTIONS=` (empty) to measure V8's defaults.
 */
export const SERVER_NODE_OPTIONS = process.env.BENCH_SERVER_NODE_OPTIONS ?? npmStartNodeArgs().join(' ');

/**
 * Extra arguments to the service's `node` (`BENCH_SERVER_NODE_ARGS`, split on spaces), for flags NODE_OPTIONS
 * refuses, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a scenario (written when the service exits).
 */
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** The service under test, running as its own process. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** Output lines the server printed (kept for a failure report). */
  output: string[];
  /** SIGTERM, then resolves with the exit code once the process is gone. */
  stop(): Promise<number | null>;
}

/**
 * Starts the service of `root` (this checkout, or another one to compare versions) with `env`, as `npm start` runs
 * it: `node dist/main.js`, built first when out of date. A checkout without that build (older versions) is run with
 * `node -r ts-node/register/transpile-only src/main.ts` instead. Waits until /readyz answers.
 */
export async function startServer(
  env: Record<string, string>,
  root = path.resolve(__dirname, '..'),
  nodeArgs: string[] = SERVER_NODE_ARGS,
): Promise<ServerProcess> {
  const port = await freePort();
  const compiled = existsSync(path.join(root, 'scripts/build-server.js'));
  // The build's progress line goes to stderr: the bench's stdout is its JSON report and nothing else.
  if (compiled) execFileSync(process.execPath, ['scripts/build-server.js'], { cwd: root, stdio: ['ignore', 2, 2] });
  const entry = compiled ? ['dist/main.js'] : ['-r', 'ts-node/register/transpile-only', 'src/main.ts'];
  // With WEB_CONCURRENCY above 1 the first worker answers /readyz while the others may still be starting.
  const allWorkers = (output: string[]) =>
    !(Number(env.WEB_CONCURRENCY) > 1) || output.some((line) => line.includes('"workers listening"'));
  return startProcess('server', [...nodeArgs, ...entry], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      // V8 flags for the service only, without touching the bench process itself.
      NODE_OPTIONS: SERVER_NODE_OPTIONS,
      ...env,
      PORT: String(port),
    },
    port,
    ready: async (url, output) => (await fetch(`${url}/readyz`)).ok && allWorkers(output),
  });
}

/** How to start one of the bench's processes (the service, the peer) and know it is ready. */
export interface ProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The port it listens on; its URL is http://127.0.0.1:<port>. */
  port: number;
  /** True once it answers; a throw counts as not yet. */
  ready: (url: string, output: string[]) => Promise<boolean>;
  /** On stop, SIGKILL this long after SIGTERM if it has not exited (default: wait). */
  killAfterMs?: number;
}

/**
 * Starts `node <args>` and waits (up to 120 s) until `ready` says so. Its last 200 output lines are kept, for a
 * failure report; `what` names it in errors.
 */
export async function startProcess(
  what: string,
  args: string[],
  { cwd, env, port, ready, killAfterMs }: ProcessOptions,
): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString().split('\n').filter(Boolean));
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited during start-up:\n${output.join('\n')}`);
    try {
      if (await ready(url, output)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${what} did not become ready:\n${output.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    pid: child.pid!,
    output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = killAfterMs === undefined ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      const code = await exited;
      if (timer) clearTimeout(timer);
      return code;
    },
  };
}

/**
 * The node flags of `npm start` in the package.json of `root` (`node FLAGS dist/main.js`): the memory scenario runs
 * the service exactly so.
 */
export function npmStartNodeArgs(root = path.resolve(__dirname, '..')): string[] {
  const start = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } })
    .scripts.start;
  const words = start.split(/\s+/);
  return words.slice(words.indexOf('node') + 1, words.indexOf('dist/main.js')).filter((word) => word.startsWith('--'));
}

/** Current and peak resident set size of a process in MB, from /proc (null where /proc is absent). */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMb: Math.round(kb('VmRSS') / 102.4) / 10, hwmMb: Math.round(kb('VmHWM') / 102.4) / 10 };
  } catch {
    return null;
  }
}

/**
 * memoryOf summed over processes: the service and its workers with WEB_CONCURRENCY above 1 (`serverPids`, found once
 * so that sampling does not walk /proc each time). The sum of peaks is an upper bound of the peak of the sum.
 */
export function treeMemoryOf([pid, ...children]: number[]): { rssMb: number; hwmMb: number } | null {
  const own = memoryOf(pid);
  if (!own) return null;
  let { rssMb, hwmMb } = own;
  for (const child of children) {
    const memory = memoryOf(child);
    rssMb += memory?.rssMb ?? 0;
    hwmMb += memory?.hwmMb ?? 0;
  }
  return { rssMb: Math.round(rssMb * 10) / 10, hwmMb: Math.round(hwmMb * 10) / 10 };
}

/** A port the OS says is free now (the bench's own helper: bench/ depends on nothing under test/). */
/** A TCP port nothing listens on now. */
export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
