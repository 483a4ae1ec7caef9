import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { Pool } from 'pg';
import { sha256Hex } from '../../../src/common/secrets';

/**
 * The floor of the benchmark: a minimal `node:http` + `pg` server answering the benchmark's
 * GraphQL documents, each with one prepared, hand-written statement that checks the bearer
 * token, enforces the rule and builds the JSON in PostgreSQL. No framework, no GraphQL
 * engine: what is left is the HTTP round trip, the statement and the socket to PostgreSQL.
 */
export interface FloorWorkload {
  /** The exact GraphQL document the benchmark sends. */
  document: string;
  name: string;
  sql: string;
  /** The statement's parameters after the token hash, from the request's variables. */
  params(variables: Record<string, unknown>): unknown[];
}

export function startFloor(
  databaseUrl: string,
  port: number,
  workloads: FloorWorkload[],
  connections = 20,
): Promise<{ close(): Promise<void> }> {
  // Idle sessions kept as long as the gateway keeps its own (DATABASE_IDLE_TIMEOUT_MS' default):
  // neither server loses its warm sessions while the other one is measured.
  const pool = new Pool({
    connectionString: databaseUrl,
    max: connections,
    idleTimeoutMillis: 300_000,
    application_name: 'passerelle-floor',
  });
  const byDocument = new Map(workloads.map((w) => [w.document, w]));
  let requests = 0;
  let statements = 0;

  const send = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const refuse = (res: ServerResponse, status: number, code: string, message: string) =>
    send(res, status, JSON.stringify({ errors: [{ message, extensions: { code } }] }));

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' && req.url === '/metrics') {
      // The two counters the benchmark's driver reads, in Prometheus' text format.
      return send(res, 200, `passerelle_http_requests_total ${requests}\npasserelle_sql_queries_total ${statements}\n`);
    }
    requests++;
    if (req.method !== 'POST' || req.url !== '/graphql') return refuse(res, 404, 'NOT_FOUND', 'Not found');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let parsed: { query?: unknown; variables?: Record<string, unknown> };
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return refuse(res, 400, 'BAD_USER_INPUT', 'Malformed request body');
    }
    const workload = typeof parsed.query === 'string' ? byDocument.get(parsed.query) : undefined;
    if (!workload) return refuse(res, 400, 'BAD_USER_INPUT', 'Unknown document');
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer) return refuse(res, 401, 'UNAUTHENTICATED', 'Authentication required');
    const hash = sha256Hex(bearer);
    statements++;
    const { rows } = await pool.query<{ authenticated: boolean; body: string }>({
      name: workload.name,
      text: workload.sql,
      values: [hash, ...workload.params(parsed.variables ?? {})],
    });
    if (!rows[0]?.authenticated) return refuse(res, 401, 'UNAUTHENTICATED', 'Authentication required');
    send(res, 200, `{"data":${rows[0].body}}`);
  }

  const server = createServer((req, res) => {
    answer(req, res).catch((error: Error) => refuse(res, 500, 'INTERNAL_SERVER_ERROR', error.message));
  });
  return new Promise((done) =>
    server.listen(port, '127.0.0.1', () =>
      done({
        close: async () => {
          await new Promise<void>((closed) => server.close(() => closed()));
          await pool.end();
        },
      }),
    ),
  );
}
