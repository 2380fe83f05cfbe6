import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in ticks of 1/100 s. */
const TICKS_PER_SECOND = 100;

/**
 * What /proc/<pid>/stat says of one process, or null when it is gone (or /proc is absent): its parent, its own CPU
 * ticks (utime + stime), and the ticks of its children that have exited and been waited for (cutime + cstime).
 */
function statOf(pid: number): { parent: number; ticks: number; reapedTicks: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (2nd field) may hold spaces and parentheses: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      parent: Number(fields[1]),
      ticks: Number(fields[11]) + Number(fields[12]),
      reapedTicks: Number(fields[13]) + Number(fields[14]),
    };
  } catch {
    return null;
  }
}

/** The pids of every running process, as /proc lists them (none where /proc is absent). */
function runningPids(): string[] {
  try {
    return readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
}

/** The parent pid of every running process, by pid (empty where /proc is absent). */
function parents(): Map<number, number> {
  const parentOf = new Map<number, number>();
  for (const pid of runningPids()) {
    const stat = statOf(Number(pid)); // null: gone meanwhile
    if (stat) parentOf.set(Number(pid), stat.parent);
  }
  return parentOf;
}

/**
 * `pid` and every process below it: the service's primary and its workers with WEB_CONCURRENCY above 1 (a single
 * process has none).
 */
export function processTree(pid: number): number[] {
  const parentOf = parents();
  const tree = [pid];
  for (let i = 0; i < tree.length; i += 1) {
    for (const [child, parent] of parentOf) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}

/** Ticks of a process and its descendants, by pid. */
function treeTicks(pid: number): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const member of processTree(pid)) {
    const stat = statOf(member);
    if (stat) ticks.set(member, stat.ticks);
  }
  return ticks;
}

/**
 * Ticks of every running PostgreSQL process (postmaster, backends, background workers), by pid; and of the exited
 * processes each postmaster has reaped, by the postmaster's pid.
 */
function postgresTicks(): { running: Map<number, number>; reaped: Map<number, number> } {
  const stats = new Map<number, NonNullable<ReturnType<typeof statOf>>>();
  for (const pid of runningPids()) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    const stat = statOf(Number(pid));
    if (stat) stats.set(Number(pid), stat);
  }
  const running = new Map<number, number>();
  const reaped = new Map<number, number>();
  for (const [pid, stat] of stats) {
    running.set(pid, stat.ticks);
    // A postmaster is the one whose parent is not PostgreSQL.
    if (!stats.has(stat.parent)) reaped.set(pid, stat.reapedTicks);
  }
  return { running, reaped };
}

/**
 * PostgreSQL's ticks between two readings: of the processes running at the end, and of those that exited meanwhile
 * (a parallel query's workers live for one query; a closed connection's backend goes), which their postmaster has
 * added to its children's time. A process that was running at the start and has exited since is in that time with
 * its whole life: the part before the start is taken off.
 */
function postgresTicksBetween(
  before: ReturnType<typeof postgresTicks>,
  after: ReturnType<typeof postgresTicks>,
): number {
  let used = 0;
  for (const [pid, now] of after.running) used += now - (before.running.get(pid) ?? 0);
  for (const [pid, now] of after.reaped) used += now - (before.reaped.get(pid) ?? now);
  for (const [pid, then] of before.running) if (!after.running.has(pid)) used -= then;
  return used;
}

/** CPU time spent during a measured stretch, in seconds, and per item written or request answered. */
export interface CpuUse {
  wallSeconds: number;
  /**
   * The service: its process (V8 and libuv threads included) and the processes below it (the workers with
   * WEB_CONCURRENCY above 1; one that exits before the end is not counted); absent for the raw-driver baselines.
   */
  serverSeconds?: number;
  /**
   * Every PostgreSQL process on this machine, those that exited during the stretch included (parallel query
   * workers, closed connections' backends) once their postmaster has reaped them.
   */
  postgresSeconds: number;
  /** This bench process: autocannon, or the baseline's own driver. */
  benchSeconds: number;
  /** CPU microseconds per item (row written or request answered): the machine's cost of one. */
  perItemUs?: { server?: number; postgres: number; bench: number };
}

/**
 * Starts measuring CPU time (Linux /proc; null elsewhere). The returned function ends the stretch; given how many
 * items it handled, it also divides. Two cores shared by the service, PostgreSQL and the load generator is the
 * budget every throughput figure of the bench is spent from; this says who spent it.
 */
export function startCpuMeter(serverPid?: number): ((items?: number) => CpuUse) | null {
  const postgresBefore = postgresTicks();
  if (postgresBefore.running.size === 0) return null;
  const serverBefore = serverPid === undefined ? null : treeTicks(serverPid);
  const benchBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  return (items) => {
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const postgresTicksUsed = postgresTicksBetween(postgresBefore, postgresTicks());
    let serverTicksUsed: number | null = null;
    if (serverPid !== undefined && serverBefore?.has(serverPid)) {
      const serverAfter = treeTicks(serverPid);
      // A worker started during the stretch (a replacement) counts from zero.
      if (serverAfter.has(serverPid)) {
        serverTicksUsed = 0;
        for (const [pid, now] of serverAfter) serverTicksUsed += now - (serverBefore.get(pid) ?? 0);
      }
    }
    const bench = process.cpuUsage(benchBefore);
    const round = (n: number) => Math.round(n * 100) / 100;
    const use: CpuUse = {
      wallSeconds: round(wallSeconds),
      ...(serverTicksUsed !== null ? { serverSeconds: round(serverTicksUsed / TICKS_PER_SECOND) } : {}),
      postgresSeconds: round(postgresTicksUsed / TICKS_PER_SECOND),
      benchSeconds: round((bench.user + bench.system) / 1e6),
    };
    if (items && items > 0) {
      const per = (seconds: number) => Math.round(((seconds * 1e6) / items) * 10) / 10;
      use.perItemUs = {
        ...(use.serverSeconds !== undefined ? { server: per(use.serverSeconds) } : {}),
        postgres: per(use.postgresSeconds),
        bench: per(use.benchSeconds),
      };
    }
    return use;
  };
}
