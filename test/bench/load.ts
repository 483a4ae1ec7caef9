import autocannon from 'autocannon';
import type { Caller } from './callers';
import type { CpuMeter } from './cpu';
import { metricTotal, scrape } from './prometheus';

/** One kind of request the benchmark drives, with what a correct answer holds. */
export interface Scenario {
  name: string;
  /** The GraphQL request of the i-th call (caller chosen round-robin by the driver). */
  body(caller: Caller, call: number): string;
  /** Rows the answer holds (posts, comments...), to show the pages were full; throws if malformed. */
  rows(data: any): number;
}

export interface ScenarioResult {
  name: string;
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** SQL statements per answered request, from /metrics. */
  queriesPerRequest: number;
  rowsPerResponse: number;
  /** CPU milliseconds per request in the gateway process and in its database sessions (null: unknown). */
  gatewayCpuMs: number | null;
  databaseCpuMs: number | null;
  non2xx: number;
  graphqlErrors: number;
  connectionErrors: number;
  timeouts: number;
  firstErrors: string[];
}

/** Runs a scenario for `duration` seconds, tokens of the pool taken round-robin. */
export async function runScenario(
  baseUrl: string,
  scenario: Scenario,
  callers: Caller[],
  options: { duration: number; connections: number },
  onStart: (stop: () => void) => void,
  cpu?: CpuMeter,
): Promise<ScenarioResult> {
  let call = 0;
  let rows = 0;
  let checked = 0;
  let graphqlErrors = 0;
  const firstErrors: string[] = [];
  const failed = (why: string) => {
    graphqlErrors++;
    if (firstErrors.length < 5) firstErrors.push(why.slice(0, 300));
  };

  const before = await settled(baseUrl);
  await cpu?.start();
  const instance = autocannon({
    url: baseUrl,
    connections: options.connections,
    duration: options.duration,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/graphql',
        setupRequest: (req) => {
          const n = call++;
          const caller = callers[n % callers.length];
          return {
            ...req,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${caller.token}` },
            body: scenario.body(caller, Math.floor(n / callers.length)),
          };
        },
        onResponse: (status, body) => {
          if (status !== 200) return failed(`HTTP ${status}: ${body}`);
          try {
            const parsed = JSON.parse(body) as { data?: unknown; errors?: { message: string }[] };
            if (parsed.errors?.length) return failed(parsed.errors.map((e) => e.message).join('; '));
            rows += scenario.rows(parsed.data);
            checked++;
          } catch (error) {
            failed(`malformed answer: ${(error as Error).message}`);
          }
        },
      },
    ],
  });
  onStart(() => instance.stop());
  const result = await instance;
  // Requests cut off at the end still finish their SQL; they count as `aborted` requests.
  const after = await settled(baseUrl);
  const spent = (await cpu?.stop()) ?? { gateway: null, database: null };

  const served =
    metricTotal(after, 'passerelle_http_requests_total') - metricTotal(before, 'passerelle_http_requests_total');
  const queries =
    metricTotal(after, 'passerelle_sql_queries_total') - metricTotal(before, 'passerelle_sql_queries_total');
  return {
    name: scenario.name,
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    queriesPerRequest: served > 0 ? queries / served : NaN,
    rowsPerResponse: checked > 0 ? rows / checked : 0,
    gatewayCpuMs: spent.gateway !== null && served > 0 ? spent.gateway / served : null,
    databaseCpuMs: spent.database !== null && served > 0 ? spent.database / served : null,
    non2xx: result.non2xx,
    graphqlErrors,
    connectionErrors: result.errors,
    timeouts: result.timeouts,
    firstErrors,
  };
}

/**
 * /metrics once the gateway has gone quiet (no SQL for a while), so that every request
 * counted between two readings has all its statements between them too.
 */
async function settled(baseUrl: string): Promise<string> {
  let text = await scrape(baseUrl);
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 250));
    const next = await scrape(baseUrl);
    if (metricTotal(next, 'passerelle_sql_queries_total') === metricTotal(text, 'passerelle_sql_queries_total'))
      return next;
    text = next;
  }
  throw new Error('the gateway kept sending SQL for 10 s after the load stopped');
}

/** Warms the gateway and the database caches; nothing is recorded. */
export async function warmUp(
  baseUrl: string,
  scenario: Scenario,
  callers: Caller[],
  seconds: number,
  connections: number,
): Promise<void> {
  if (seconds <= 0) return;
  await runScenario(baseUrl, scenario, callers, { duration: seconds, connections }, () => undefined);
}
