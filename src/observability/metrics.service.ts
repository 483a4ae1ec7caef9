import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { QueryCountingLogger } from './query-counting.logger';
import { inWorkerPool, joinPoolMetrics, poolMetrics } from './worker-pool';

/** Labels that come from clients are capped: past this many distinct names, the rest are `other`. */
export const MAX_OPERATION_LABELS = 50;
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,39}$/;
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The pool TypeORM reads from: pg's Pool (total/idle/waiting), or the embedded database's serialising pool. */
interface PoolLike {
  totalCount?: number;
  idleCount?: number;
  waitingCount?: number;
  busy?: boolean;
  waiters?: unknown[];
}

/**
 * The process's metrics for `/metrics`, in one prom-client registry per application
 * instance (tests that start several apps do not share counters): SQL statements (read
 * from the DataSource's counting logger), HTTP and GraphQL latency, errors by code, sign-ins
 * and their refusals, authorization denials, the database pool, mail, rate limits, and
 * prom-client's default process metrics (memory, event-loop lag, GC) when METRICS_ENABLED.
 */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  readonly registry = new Registry();
  private readonly operations = new Set<string>();
  private readonly httpRequests: Counter<'status'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly graphqlDuration: Histogram<'operation'>;
  private readonly graphqlErrors: Counter<'code'>;
  private readonly signIns: Counter<'outcome' | 'reason'>;
  private readonly denials: Counter<'kind'>;
  private readonly rateLimited: Counter<'limit'>;
  private readonly mail: Counter<'outcome'>;

  constructor(@InjectDataSource() dataSource: DataSource, config?: AppConfig) {
    if (!(dataSource.logger instanceof QueryCountingLogger)) {
      // Without it the SQL figure would read zero and look like a triumph.
      throw new Error('the DataSource was not built by dataSourceOptions(): its logger does not count queries');
    }
    const sql = dataSource.logger;
    const registers = [this.registry];
    let sentSeen = 0;
    let failedSeen = 0;
    new Counter({
      name: 'passerelle_sql_queries_total',
      help: 'SQL statements sent to the database.',
      registers,
      collect() {
        this.inc(sql.queries - sentSeen);
        sentSeen = sql.queries;
      },
    });
    new Counter({
      name: 'passerelle_sql_query_errors_total',
      help: 'SQL statements the database refused.',
      registers,
      collect() {
        this.inc(sql.queryErrors - failedSeen);
        failedSeen = sql.queryErrors;
      },
    });
    this.httpRequests = new Counter({
      name: 'passerelle_http_requests_total',
      help: 'HTTP requests served (scrapes of /metrics excluded), by status code, or aborted by the client.',
      labelNames: ['status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'passerelle_http_request_duration_seconds',
      help: 'HTTP request latency by method, matched route (unmatched for none) and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.graphqlDuration = new Histogram({
      name: 'passerelle_graphql_request_duration_seconds',
      help: `GraphQL request latency by operation name (anonymous when unnamed; past ${MAX_OPERATION_LABELS} names, other).`,
      labelNames: ['operation'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.graphqlErrors = new Counter({
      name: 'passerelle_graphql_errors_total',
      help: 'Errors in GraphQL responses, by extensions.code.',
      labelNames: ['code'],
      registers,
    });
    this.signIns = new Counter({
      name: 'passerelle_sign_ins_total',
      help: 'SAML sign-ins at the ACS, by outcome (success, refused) and reason.',
      labelNames: ['outcome', 'reason'],
      registers,
    });
    this.denials = new Counter({
      name: 'passerelle_authorization_denials_total',
      help: 'Authorization denials: read lookups of invisible or missing objects (not_found), refused writes (write).',
      labelNames: ['kind'],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'passerelle_rate_limited_requests_total',
      help: 'Requests refused with 429 by a rate limit, by limit.',
      labelNames: ['limit'],
      registers,
    });
    this.mail = new Counter({
      name: 'passerelle_mail_attempts_total',
      help: 'Mail send attempts, by outcome: sent, retried (failed, tried again later), failed (given up).',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['sent', 'retried', 'failed']) this.mail.inc({ outcome }, 0);
    const pool = () => (dataSource.driver as unknown as { master?: PoolLike }).master;
    new Gauge({
      name: 'passerelle_db_pool_connections',
      help: 'Database pool: connections open (total), idle, and callers waiting for one (waiting).',
      labelNames: ['state'],
      registers,
      collect() {
        const p = pool();
        if (!p) return;
        if (p.totalCount !== undefined) {
          this.set({ state: 'total' }, p.totalCount);
          this.set({ state: 'idle' }, p.idleCount ?? 0);
          this.set({ state: 'waiting' }, p.waitingCount ?? 0);
        } else {
          // The embedded database: one connection, lent to one caller at a time.
          this.set({ state: 'total' }, 1);
          this.set({ state: 'idle' }, p.busy ? 0 : 1);
          this.set({ state: 'waiting' }, p.waiters?.length ?? 0);
        }
      },
    });
    new Gauge({
      name: 'process_uptime_seconds',
      help: 'Seconds since the process started.',
      registers,
      // Of a pool of workers (WORKERS > 1): the oldest.
      aggregator: 'max',
      collect() {
        this.set(Math.round(process.uptime()));
      },
    });
    if (config?.metricsEnabled ?? true) {
      collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
    }
    if (inWorkerPool()) joinPoolMetrics(this.registry);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  countHttpRequest(status: string): void {
    this.httpRequests.inc({ status });
  }

  observeHttpRequest(method: string, route: string, status: string, seconds: number): void {
    this.httpDuration.observe({ method, route, status }, seconds);
  }

  observeGraphqlRequest(operationName: string | undefined, seconds: number): void {
    this.graphqlDuration.observe({ operation: this.operationLabel(operationName) }, seconds);
  }

  countGraphqlErrors(codes: readonly string[]): void {
    for (const code of codes) this.graphqlErrors.inc({ code: ERROR_CODE.test(code) ? code : 'other' });
  }

  countSignIn(outcome: 'success' | 'refused', reason: string): void {
    this.signIns.inc({ outcome, reason: LABEL_NAME.test(reason) ? reason : 'other' });
  }

  countDenial(kind: 'not_found' | 'write'): void {
    this.denials.inc({ kind });
  }

  countRateLimited(limit: string, n = 1): void {
    this.rateLimited.inc({ limit }, n);
  }

  countMail(outcome: 'sent' | 'retried' | 'failed' | 'withdrawn'): void {
    this.mail.inc({ outcome });
  }

  /** This instance's metrics; in a pool of workers (WORKERS > 1), every worker's, summed by the primary. */
  render(): Promise<string> {
    return inWorkerPool() ? poolMetrics() : this.registry.metrics();
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }

  /** The name as a label, if it is a plain name among the first MAX_OPERATION_LABELS seen. */
  private operationLabel(name: string | undefined): string {
    if (name === undefined || name === '') return 'anonymous';
    if (!LABEL_NAME.test(name)) return 'other';
    if (this.operations.has(name)) return name;
    if (this.operations.size >= MAX_OPERATION_LABELS) return 'other';
    this.operations.add(name);
    return name;
  }
}
