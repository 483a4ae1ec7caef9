import { Agent, request as httpRequest } from 'node:http';

// The load test's client: plain node:http with keep-alive sockets, one per concurrent caller,
// and the accounting of every exchange (by kind: latency, HTTP status, GraphQL error codes,
// expected refusals apart from unexpected errors, connection errors).

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Why an exchange did not even get an HTTP answer (ECONNRESET, ECONNREFUSED, timeout...). */
export class ConnectionError extends Error {
  constructor(readonly code: string) {
    super(`connection error: ${code}`);
  }
}

const REQUEST_TIMEOUT_MS = 30_000;

export class HttpClient {
  private readonly agent: Agent;
  private readonly url: URL;

  constructor(baseUrl: string, sockets: number) {
    this.url = new URL(baseUrl);
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
    return new Promise((done, fail) => {
      const req = httpRequest(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          method,
          path,
          headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          timeout: REQUEST_TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', (e: NodeJS.ErrnoException) => fail(new ConnectionError(e.code ?? e.message)));
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      req.on('error', (e: NodeJS.ErrnoException) => fail(new ConnectionError(e.code ?? e.message)));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The value of a cookie the answer sets, if it sets it. */
export function setCookie(answer: Answer, name: string): string | null {
  const raw = answer.headers['set-cookie'];
  const all = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const found = all.find((c) => c.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.split(';')[0].slice(name.length + 1)) : null;
}

interface KindTally {
  requests: number;
  ms: number[];
  statuses: Map<number, number>;
}

export interface KindSummary {
  kind: string;
  requests: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
}

export interface Summary {
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  kinds: KindSummary[];
  status5xx: number;
  connectionErrors: Record<string, number>;
  /** Error codes seen in answers (GraphQL `extensions.code`, or the REST error's `code`), expected or not. */
  errorCodes: Record<string, { expected: number; unexpected: number }>;
  expectedRefusals: number;
  unexpected: number;
  /** The first unexpected answers, to say what went wrong. */
  samples: string[];
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Every exchange of a run, by kind. */
export class Tally {
  private readonly kinds = new Map<string, KindTally>();
  private readonly connectionErrors = new Map<string, number>();
  private readonly codes = new Map<string, { expected: number; unexpected: number }>();
  private readonly samples: string[] = [];
  private all: number[] = [];
  private expectedRefusals = 0;
  private unexpected = 0;
  private status5xx = 0;
  private startedAt = 0;
  private endedAt = 0;

  start(): void {
    this.startedAt = Date.now();
  }

  end(): void {
    this.endedAt = Date.now();
  }

  answered(kind: string, status: number, ms: number): void {
    let k = this.kinds.get(kind);
    if (!k) this.kinds.set(kind, (k = { requests: 0, ms: [], statuses: new Map() }));
    k.requests++;
    k.ms.push(ms);
    k.statuses.set(status, (k.statuses.get(status) ?? 0) + 1);
    this.all.push(ms);
    if (status >= 500) this.status5xx++;
  }

  connectionError(kind: string, code: string): void {
    this.connectionErrors.set(code, (this.connectionErrors.get(code) ?? 0) + 1);
    this.wrong(kind, `connection error ${code}`);
  }

  code(code: string, expected: boolean): void {
    let c = this.codes.get(code);
    if (!c) this.codes.set(code, (c = { expected: 0, unexpected: 0 }));
    if (expected) c.expected++;
    else c.unexpected++;
  }

  refusedAsExpected(): void {
    this.expectedRefusals++;
  }

  wrong(kind: string, why: string): void {
    this.unexpected++;
    if (this.samples.length < 10) this.samples.push(`${kind}: ${why.slice(0, 400)}`);
  }

  summary(): Summary {
    const seconds = (this.endedAt - this.startedAt) / 1000;
    const all = [...this.all].sort((a, b) => a - b);
    const kinds = [...this.kinds.entries()]
      .map(([kind, k]) => {
        const ms = [...k.ms].sort((a, b) => a - b);
        return {
          kind,
          requests: k.requests,
          p50: percentile(ms, 50),
          p99: percentile(ms, 99),
          statuses: Object.fromEntries([...k.statuses.entries()].sort(([a], [b]) => a - b)),
        };
      })
      .sort((a, b) => b.requests - a.requests);
    return {
      seconds,
      requests: all.length,
      requestsPerSecond: seconds > 0 ? all.length / seconds : 0,
      p50: percentile(all, 50),
      p99: percentile(all, 99),
      kinds,
      status5xx: this.status5xx,
      connectionErrors: Object.fromEntries(this.connectionErrors),
      errorCodes: Object.fromEntries([...this.codes.entries()].sort(([a], [b]) => a.localeCompare(b))),
      expectedRefusals: this.expectedRefusals,
      unexpected: this.unexpected,
      samples: [...this.samples],
    };
  }
}
