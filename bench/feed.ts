import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { startCpuMeter, type CpuUse } from './cpu';
import { driveScenario } from './load';
import type { Scenario } from './scenarios';
import { memoryOf, npmStartNodeArgs, startServer, type ServerProcess } from './server';
import { openManySse, openSse, type SseConnection } from './sse';
import { median, percentile } from './stats';

/** The live-feed scenarios' names, as `--scenarios` takes them: delivery latency with N idle subscribers. */
export const FEED_LATENCY_SCENARIOS = { 'feed-latency-100': 100, 'feed-latency-1000': 1000 } as const;
/** Single-create throughput with 100 subscribers against none. */
export const FEED_THROUGHPUT_SCENARIO = 'feed-write-throughput';
export const FEED_SCENARIOS: readonly string[] = [...Object.keys(FEED_LATENCY_SCENARIOS), FEED_THROUGHPUT_SCENARIO];

/** A filter no row of the bench matches: an idle subscriber's (it gets the `ready` event and heartbeats only). */
const IDLE_QUERY = 'resourceId=never';
const RSS_TARGET_MB = 300;
const THROUGHPUT_TARGET_RATIO = 0.9;

/** What every feed scenario needs from the harness. */
export interface FeedContext {
  /** The bench service's environment (database, admin key). */
  serverEnv: Record<string, string>;
  /** An API key with read and write scope. */
  key: string;
  /** Checkout to serve (default this one). */
  serverDir?: string;
  progress: (message: string) => void;
}

type LoadAverage = { atStart: number[]; atEnd: number[] };
const loadAverage = () => os.loadavg().map((n) => Number(n.toFixed(2)));

/**
 * Runs `body` against a service of its own started as `npm start` starts it (its node flags, no NODE_OPTIONS, as
 * read-memory-100), with `env` added; the service is stopped whatever happens.
 */
async function withFeedService<T>(
  context: FeedContext,
  env: Record<string, string>,
  body: (server: ServerProcess) => Promise<T>,
): Promise<T> {
  const server = await startServer(
    { ...context.serverEnv, NODE_OPTIONS: '', ...env },
    context.serverDir,
    npmStartNodeArgs(context.serverDir),
  );
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}

/** Closes every connection; then waits a moment so the service has seen the closes before the next step. */
async function closeAll(connections: SseConnection[]): Promise<void> {
  for (const connection of connections) connection.close();
  await new Promise((resolve) => setTimeout(resolve, 500));
}

const resourceIdOf = (body: string | undefined) => (JSON.parse(body ?? '{}') as { resourceId?: string }).resourceId;

/**
 * Sends `scenario`'s requests open-loop at `rate` per second for `seconds` (a late timer sends what fell due, so the
 * rate holds on a busy machine) over a keep-alive pool; `onAck` is called when a 201's headers arrive.
 */
async function writeAtRate(
  url: string,
  key: string,
  scenario: Scenario,
  rate: number,
  seconds: number,
  onAck: (resourceId: string, sentAt: number, at: number) => void,
): Promise<{ sent: number; acknowledged: number; failed: Record<string, number>; requestMs: number[] }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const requestMs: number[] = [];
  let sent = 0;
  let acknowledged = 0;
  const failed: Record<string, number> = {};
  const fail = (reason: string) => (failed[reason] = (failed[reason] ?? 0) + 1);
  const inFlight = new Set<Promise<void>>();
  const send = () => {
    const request = scenario.next();
    const resourceId = resourceIdOf(request.body);
    const started = performance.now();
    sent += 1;
    const done = new Promise<void>((resolve) => {
      const outgoing = http.request(
        `${url}${request.path}`,
        {
          method: request.method,
          agent,
          headers: { 'x-api-key': key, 'content-type': 'application/json', ...request.headers },
        },
        (response) => {
          const at = performance.now();
          requestMs.push(at - started);
          if (response.statusCode === 201 && resourceId) {
            acknowledged += 1;
            onAck(resourceId, started, at);
          } else fail(String(response.statusCode));
          response.resume();
          response.on('end', resolve);
          response.on('error', () => resolve());
        },
      );
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        fail(error.code ?? 'error');
        resolve();
      });
      outgoing.end(request.body);
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };
  const total = Math.round(rate * seconds);
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(
      () => {
        const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
        while (sent < due) send();
        if (sent >= total) {
          clearInterval(timer);
          resolve();
        }
      },
      Math.max(1, Math.floor(1000 / rate)),
    );
  });
  await Promise.all(inFlight);
  agent.destroy();
  return { sent, acknowledged, failed, requestMs };
}

export interface FeedLatencyOptions {
  /** Idle subscribers connected during the run. */
  idle: number;
  /** Creates per second (open loop). */
  rate: number;
  seconds: number;
  /** Longest wait after the last write for its event. */
  graceSeconds: number;
  /** Unmeasured seconds of the same writes first (a fresh service's JIT and caches), subscribers connected. */
  warmup: number;
}

export interface FeedLatencyResult {
  status: 'ok';
  description: string;
  idleSubscribers: number;
  rate: number;
  seconds: number;
  loadAverage: LoadAverage;
  /** The service's node flags: those of `npm start`. */
  nodeArgs: string[];
  /** Seconds to connect the idle subscribers (each until its `ready` event). */
  connectSeconds: number;
  writes: {
    sent: number;
    acknowledged: number;
    /** Requests not answered 201, by status code (or connection error code). */
    failed: Record<string, number>;
    requestMs: { p50: number | null; p99: number | null };
  };
  /** From a 201 at the writer to the event at the measuring subscriber, same process clock. */
  deliveryMs: { p50: number | null; p95: number | null; p99: number | null; max: number | null };
  /** Acknowledged creates whose event arrived; `missing` did not within the grace period. */
  delivered: number;
  missing: number;
  /** From sending the create to its event: the write's own latency plus delivery. */
  sendToEventMs: { p50: number | null; p99: number | null };
  /** Events read before their 201 (the stream can beat the response): their latency counts as negative. */
  eventsBeforeAck: number;
  /** Interaction events the idle subscribers received (0: their filter matched nothing, as meant). */
  idleInteractionEvents: number;
  /** Subscribers the service ended during the run (slow, shutdown, closed). */
  subscribersEnded: number;
  rssMb: {
    beforeSubscribers: number | null;
    subscribersConnected: number | null;
    /** Largest 100 ms sample from the first connection to the end of the grace period. */
    peak: number | null;
    /** After the writes and the grace period, every subscriber still connected. */
    afterWrites: number | null;
    afterDisconnect: number | null;
  };
  vmHwmMb: number | null;
  /** peak and afterWrites both under 300 MB (issue 18). */
  rssTargetMet: boolean;
  cpu?: CpuUse;
}

/**
 * Delivery latency of the live feed: `idle` SSE subscribers whose filter matches nothing, plus one that matches the
 * written rows (their x-userid), on a fresh service; `scenario`'s single creates at `rate` per second. Each create's
 * resourceId pairs its 201 (time at the writer) with its event (time at the subscriber). RSS is sampled throughout.
 */
export async function runFeedLatency(
  context: FeedContext,
  name: string,
  scenario: Scenario,
  userId: string,
  options: FeedLatencyOptions,
): Promise<FeedLatencyResult> {
  const atStart = loadAverage();
  const nodeArgs = npmStartNodeArgs(context.serverDir);
  // Room for the idle subscribers and the measuring one under one key (the default is 100 per key).
  const env = { MAX_SUBSCRIPTIONS_PER_KEY: String(options.idle + 10), MAX_SUBSCRIPTIONS: String(options.idle + 100) };
  return withFeedService(context, env, async (server) => {
    const stream = `${server.url}/api/interactions/stream`;
    const connections: SseConnection[] = [];
    let peak = 0;
    const sample = () => {
      const rss = memoryOf(server.pid)?.rssMb ?? null;
      if (rss !== null) peak = Math.max(peak, rss);
      return rss;
    };
    const sampler = setInterval(sample, 100);
    try {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const beforeSubscribers = sample();
      const connectStarted = performance.now();
      context.progress(`${name}: connecting ${options.idle} idle subscribers…`);
      connections.push(...(await openManySse(`${stream}?${IDLE_QUERY}`, context.key, options.idle)));
      const acks = new Map<string, { sentAt: number; at: number }>();
      const events = new Map<string, number>();
      connections.push(
        await openSse(`${stream}?userId=${encodeURIComponent(userId)}`, context.key, {
          onInteraction: (event) => {
            const at = performance.now();
            const resourceId = (JSON.parse(event.data) as { resourceId?: string }).resourceId;
            if (resourceId && !events.has(resourceId)) events.set(resourceId, at);
          },
        }),
      );
      const connectSeconds = Math.round((performance.now() - connectStarted) / 10) / 100;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const subscribersConnected = sample();

      context.progress(`${name}: ${options.rate} creates/s for ${options.seconds} s…`);
      if (options.warmup > 0) {
        await writeAtRate(server.url, context.key, scenario, options.rate, options.warmup, () => undefined);
      }
      const cpuMeter = startCpuMeter(server.pid);
      const writes = await writeAtRate(
        server.url,
        context.key,
        scenario,
        options.rate,
        options.seconds,
        (id, sentAt, at) => acks.set(id, { sentAt, at }),
      );
      const graceEnd = performance.now() + options.graceSeconds * 1000;
      while (performance.now() < graceEnd && [...acks.keys()].some((id) => !events.has(id))) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const cpu = cpuMeter?.(writes.acknowledged);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const afterWrites = sample();

      const latencies: number[] = [];
      const fromSend: number[] = [];
      let eventsBeforeAck = 0;
      for (const [id, ack] of acks) {
        const eventAt = events.get(id);
        if (eventAt === undefined) continue;
        latencies.push(eventAt - ack.at);
        fromSend.push(eventAt - ack.sentAt);
        if (eventAt < ack.at) eventsBeforeAck += 1;
      }
      latencies.sort((a, b) => a - b);
      fromSend.sort((a, b) => a - b);
      writes.requestMs.sort((a, b) => a - b);
      const idleInteractionEvents = connections.slice(0, options.idle).reduce((sum, c) => sum + c.interactions, 0);
      const subscribersEnded = connections.filter((c) => c.endedWith !== null).length;
      const vmHwmMb = memoryOf(server.pid)?.hwmMb ?? null;
      await closeAll(connections.splice(0));
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const afterDisconnect = sample();
      return {
        status: 'ok' as const,
        description:
          `SSE delivery from the writer's 201 to the event, ${options.idle} idle subscribers (${IDLE_QUERY}) and one ` +
          `matching the writes, ${options.rate} single creates/s for ${options.seconds} s, service as npm start runs it`,
        idleSubscribers: options.idle,
        rate: options.rate,
        seconds: options.seconds,
        loadAverage: { atStart, atEnd: loadAverage() },
        nodeArgs,
        connectSeconds,
        writes: {
          sent: writes.sent,
          acknowledged: writes.acknowledged,
          failed: writes.failed,
          requestMs: { p50: percentile(writes.requestMs, 50), p99: percentile(writes.requestMs, 99) },
        },
        deliveryMs: {
          p50: percentile(latencies, 50),
          p95: percentile(latencies, 95),
          p99: percentile(latencies, 99),
          max: percentile(latencies, 100),
        },
        sendToEventMs: { p50: percentile(fromSend, 50), p99: percentile(fromSend, 99) },
        delivered: latencies.length,
        missing: acks.size - latencies.length,
        eventsBeforeAck,
        idleInteractionEvents,
        subscribersEnded,
        rssMb: { beforeSubscribers, subscribersConnected, peak: peak || null, afterWrites, afterDisconnect },
        vmHwmMb,
        rssTargetMet: peak > 0 && peak < RSS_TARGET_MB && (afterWrites ?? Infinity) < RSS_TARGET_MB,
        ...(cpu ? { cpu } : {}),
      };
    } finally {
      clearInterval(sampler);
      for (const connection of connections) connection.close();
    }
  });
}

export interface FeedThroughputOptions {
  /** Idle subscribers in the "with" rounds. */
  idle: number;
  /** Subscribers without a filter (every row), reading, in the "with" rounds. */
  readers: number;
  /** Measured seconds per round. */
  seconds: number;
  /** Unmeasured seconds of the load before the first round. */
  warmup: number;
  /** Pairs of rounds (one without subscribers, one with), in the order none-with, with-none, none-with, … */
  pairs: number;
}

interface ThroughputRound {
  subscribers: number;
  createsPerSecond: number;
  latencyMs: { p50: number | null; p99: number | null };
  non201: number;
  /** Interaction events the readers received during the round. */
  readerEvents?: number;
  /** Readers the service ended during the round (`slow`: they fell FEED_BUFFER_EVENTS behind). */
  readersEnded?: number;
  cpu?: CpuUse;
}

export interface FeedThroughputResult {
  status: 'ok';
  description: string;
  connections: number;
  subscribers: { idle: number; readers: number };
  loadAverage: LoadAverage;
  nodeArgs: string[];
  rounds: ThroughputRound[];
  /** Median creates/s of the rounds without and with subscribers, and with ÷ without. */
  withoutSubscribers: number | null;
  withSubscribers: number | null;
  ratio: number | null;
  /** ratio ≥ 0.9 (issue 18). */
  targetMet: boolean;
}

/**
 * Single-create throughput (`scenario`: the bench's create-single load) with `idle` + `readers` subscribers against
 * none, on one fresh service, in alternating rounds so that the machine's drift falls on both sides; medians compared.
 */
export async function runFeedThroughput(
  context: FeedContext,
  scenario: Scenario,
  options: FeedThroughputOptions,
): Promise<FeedThroughputResult> {
  const atStart = loadAverage();
  const nodeArgs = npmStartNodeArgs(context.serverDir);
  const subscribers = options.idle + options.readers;
  const env = { MAX_SUBSCRIPTIONS_PER_KEY: String(subscribers + 10) };
  return withFeedService(context, env, async (server) => {
    const stream = `${server.url}/api/interactions/stream`;
    const drive = (seconds: number, onResponse: (statusCode: number, responseTime: number) => void) =>
      driveScenario({ url: server.url, key: context.key, scenario, seconds, onResponse });
    if (options.warmup > 0) await drive(options.warmup, () => undefined);
    const rounds: ThroughputRound[] = [];
    for (let pair = 0; pair < options.pairs; pair += 1) {
      for (const withSubscribers of pair % 2 === 0 ? [false, true] : [true, false]) {
        const connections: SseConnection[] = [];
        try {
          if (withSubscribers) {
            connections.push(...(await openManySse(`${stream}?${IDLE_QUERY}`, context.key, options.idle)));
            connections.push(...(await openManySse(stream, context.key, options.readers)));
          }
          context.progress(
            `${FEED_THROUGHPUT_SCENARIO}: round ${rounds.length + 1}, ${connections.length} subscribers…`,
          );
          const latencies: number[] = [];
          let created = 0;
          const cpuMeter = startCpuMeter(server.pid);
          const result = await drive(options.seconds, (statusCode, responseTime) => {
            latencies.push(responseTime);
            if (statusCode === 201) created += 1;
          });
          const cpu = cpuMeter?.(created);
          latencies.sort((a, b) => a - b);
          const readers = connections.slice(options.idle);
          rounds.push({
            subscribers: connections.length,
            createsPerSecond: Math.round(created / (result.duration || options.seconds)),
            latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
            non201: latencies.length - created,
            ...(withSubscribers
              ? {
                  readerEvents: readers.reduce((sum, c) => sum + c.interactions, 0),
                  readersEnded: readers.filter((c) => c.endedWith !== null).length,
                }
              : {}),
            ...(cpu ? { cpu } : {}),
          });
        } finally {
          await closeAll(connections);
        }
      }
    }
    const withoutSubscribers = median(rounds.filter((r) => r.subscribers === 0).map((r) => r.createsPerSecond));
    const withSubs = median(rounds.filter((r) => r.subscribers > 0).map((r) => r.createsPerSecond));
    const ratio =
      withoutSubscribers && withSubs !== null ? Math.round((withSubs / withoutSubscribers) * 100) / 100 : null;
    return {
      status: 'ok' as const,
      description:
        `${scenario.description} at ${scenario.connections} connections, with ${options.idle} idle + ${options.readers} ` +
        `reading subscribers against none, ${options.pairs * 2} alternating rounds of ${options.seconds} s`,
      connections: scenario.connections,
      subscribers: { idle: options.idle, readers: options.readers },
      loadAverage: { atStart, atEnd: loadAverage() },
      nodeArgs,
      rounds,
      withoutSubscribers,
      withSubscribers: withSubs,
      ratio,
      targetMet: ratio !== null && ratio >= THROUGHPUT_TARGET_RATIO,
    };
  });
}
