import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';

/** Linux reports process CPU time in clock ticks; 100 per second on every common build. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, all threads) of processes on this machine, in milliseconds, or
 * null where /proc cannot tell (another OS, a remote database). CPU time rather than wall
 * time: it does not depend on what else the machine is running.
 */
export function cpuMillis(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * cpuMillis of `pid` and of its descendants (a gateway with WORKERS > 1 serves from child
 * processes), as they are now: a child that exited is no longer counted.
 */
export function treeCpuMillis(pid: number): number | null {
  const own = cpuMillis(pid);
  if (own === null) return null;
  return childrenOf(pid).reduce((sum, child) => sum + (treeCpuMillis(child) ?? 0), own);
}

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/** Server processes serving a server's connections (application_name `passerelle`, or the floor's). */
export async function backendPids(databaseUrl: string, applicationName = 'passerelle'): Promise<number[]> {
  const db = new Client({ connectionString: databaseUrl, application_name: 'passerelle-bench-cpu' });
  await db.connect();
  try {
    const { rows } = await db.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
      [applicationName],
    );
    return rows.map((r) => r.pid);
  } finally {
    await db.end();
  }
}

/** How often the sessions are read: a session the pool closes mid-run keeps what it had spent by its last reading. */
const SAMPLE_MS = 500;

/** CPU spent by the gateway and by its database sessions between `start` and `stop`. */
export class CpuMeter {
  private gatewayStart: number | null = null;
  /** Per session: its CPU when first seen (0 when it opened during the run) and at its last reading. */
  private readonly sessions = new Map<number, { first: number; last: number }>();
  private remote = false;
  private timer: NodeJS.Timeout | null = null;
  private reading: Promise<void> = Promise.resolve();

  constructor(
    private readonly gatewayPid: number,
    private readonly databaseUrl: string,
    private readonly applicationName = 'passerelle',
  ) {}

  async start(): Promise<void> {
    this.gatewayStart = treeCpuMillis(this.gatewayPid);
    this.sessions.clear();
    this.remote = false;
    await this.read(true);
    this.timer = setInterval(() => {
      this.reading = this.reading.then(() => this.read(false)).catch(() => undefined);
    }, SAMPLE_MS);
  }

  private async read(initial: boolean): Promise<void> {
    const pids = await backendPids(this.databaseUrl, this.applicationName);
    let readable = 0;
    for (const pid of pids) {
      // A session that ended since it was listed keeps its last reading.
      const now = cpuMillis(pid);
      if (now === null) continue;
      readable++;
      const seen = this.sessions.get(pid);
      if (seen) seen.last = now;
      else this.sessions.set(pid, { first: initial ? now : 0, last: now });
    }
    // A remote server shows none of its processes here.
    if (pids.length > 0 && readable === 0) this.remote = true;
  }

  /** Milliseconds of CPU since start; database sessions opened meanwhile count from zero. */
  async stop(): Promise<{ gateway: number | null; database: number | null }> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.reading;
    const gatewayNow = treeCpuMillis(this.gatewayPid);
    const gateway = gatewayNow !== null && this.gatewayStart !== null ? gatewayNow - this.gatewayStart : null;
    await this.read(false);
    if (this.remote) return { gateway, database: null };
    let database = 0;
    for (const { first, last } of this.sessions.values()) database += last - first;
    return { gateway, database };
  }
}
