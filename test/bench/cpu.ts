import { readFileSync } from 'node:fs';
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

/** CPU spent by the gateway and by its database sessions between `start` and `stop`. */
export class CpuMeter {
  private gatewayStart: number | null = null;
  private readonly backendStart = new Map<number, number | null>();

  constructor(
    private readonly gatewayPid: number,
    private readonly databaseUrl: string,
    private readonly applicationName = 'passerelle',
  ) {}

  async start(): Promise<void> {
    this.gatewayStart = cpuMillis(this.gatewayPid);
    this.backendStart.clear();
    for (const pid of await backendPids(this.databaseUrl, this.applicationName))
      this.backendStart.set(pid, cpuMillis(pid));
  }

  /** Milliseconds of CPU since start; database sessions opened meanwhile count from zero. */
  async stop(): Promise<{ gateway: number | null; database: number | null }> {
    const gatewayNow = cpuMillis(this.gatewayPid);
    const gateway = gatewayNow !== null && this.gatewayStart !== null ? gatewayNow - this.gatewayStart : null;
    let database: number | null = 0;
    for (const pid of new Set([
      ...this.backendStart.keys(),
      ...(await backendPids(this.databaseUrl, this.applicationName)),
    ])) {
      const now = cpuMillis(pid);
      const before = this.backendStart.has(pid) ? this.backendStart.get(pid)! : 0;
      // A session that ended during the run took its time with it; a remote server shows none.
      if (now === null || before === null) {
        database = null;
        break;
      }
      database += now - before;
    }
    return { gateway, database };
  }
}
