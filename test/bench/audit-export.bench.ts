import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { sha256Hex } from '../../src/common/secrets';
import { AppConfig } from '../../src/config/app-config';
import { createDataSource } from '../../src/database/data-source.factory';
import { startGateway } from './gateway';

// The audit export under load: N audit events (default 1,000,000) streamed as JSON Lines
// through the real route (GET /audit/export, a HOST_ADMIN's bearer token) of a gateway in
// its own process, with that process's RSS sampled every 100 ms while it streams.
// Export-only: the rows are generated in SQL (generate_series) with placeholder hashes, so
// the chain does not verify; the export neither reads nor checks them.
// Run: DATABASE_URL=postgres://… npm run -s bench:audit-export [-- events]

const SAMPLE_MS = 100;
const log = (line: string) => process.stderr.write(`${line}\n`);

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 1_000_000);
  const base = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
  const name = `audit_export_bench_${process.pid}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  let stop = async () => undefined as void;
  try {
    log('applying migrations');
    const ds = await createDataSource(
      new AppConfig({ NODE_ENV: 'development', DATABASE_URL: databaseUrl, DEMO_IDP: 'false', DEMO_SEED: 'false' }),
    );
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();

    const db = new Client({ connectionString: databaseUrl });
    db.on('error', () => undefined);
    await db.connect();
    const token = `psl_${randomBytes(32).toString('base64url')}`;
    const [{ id: org }] = (
      await db.query(
        `INSERT INTO organizations (name, kind, domains, clearance_cap, status) VALUES ('Host', 'HOST', '{host.test}', 4, 'ACTIVE') RETURNING id`,
      )
    ).rows;
    const [{ id: user }] = (
      await db.query(
        `INSERT INTO users (organization_id, email, display_name, clearance, status, roles)
         VALUES ($1, 'admin@host.test', 'Admin', 4, 'ACTIVE', '{HOST_ADMIN}') RETURNING id`,
        [org],
      )
    ).rows;
    await db.query(
      `INSERT INTO api_tokens (token_hash, user_id, expires_at) VALUES ($1, $2, now() + interval '1 day')`,
      [sha256Hex(token), user],
    );
    let t = process.hrtime.bigint();
    await db.query('SET synchronous_commit = off');
    await db.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_facts');
    await db.query(
      `INSERT INTO audit_events (seq, id, occurred_at, action, outcome, actor_id, actor_organization_id, subject_type, subject_id,
         reason, details, request_id, ip, prev_hash, hash)
       SELECT g, gen_random_uuid(), now() - ($1 - g) * interval '1 second',
         (ARRAY['auth.login', 'authz.denied', 'membership.grant', 'post.create'])[1 + g % 4],
         (ARRAY['SUCCESS', 'FAILURE', 'DENIED'])[1 + g % 3], $2::uuid, $3::uuid, 'User', $4::text, 'reason ' || (g % 17),
         jsonb_build_object('i', g, 'note', 'a,b "c"'), md5(g::text), '10.0.' || (g % 250) || '.1',
         lpad(to_hex(g - 1), 64, '0'), lpad(to_hex(g), 64, '0')
       FROM generate_series(1, $1::int) g`,
      [count, user, org, user],
    );
    await db.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_facts');
    await db.query('VACUUM (ANALYZE) audit_events');
    const [{ bytes }] = (await db.query(`SELECT pg_total_relation_size('audit_events') AS bytes`)).rows;
    await db.end();
    log(
      `inserted ${count} events in ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(1)} s (table ${mb(Number(bytes))})`,
    );

    const gateway = await startGateway(databaseUrl, log);
    stop = gateway.stop;
    const idle = rssOf(gateway.pid);
    const samples: { ms: number; rows: number; rss: number }[] = [];
    let rows = 0;
    let bytesIn = 0;
    t = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - t) / 1e6;
    const timer = setInterval(() => samples.push({ ms: elapsed(), rows, rss: rssOf(gateway.pid) }), SAMPLE_MS);
    const res = await fetch(`${gateway.baseUrl}/audit/export?format=jsonl`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!res.ok || !res.body) throw new Error(`export answered ${res.status}: ${await res.text()}`);
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytesIn += chunk.length;
      for (const byte of chunk) if (byte === 10) rows++;
    }
    const seconds = elapsed() / 1000;
    clearInterval(timer);
    samples.push({ ms: elapsed(), rows, rss: rssOf(gateway.pid) });
    await gateway.stop();

    const peak = Math.max(...samples.map((s) => s.rss));
    const lines = [
      `audit export bench: ${count} events, JSONL over HTTP (export-only: placeholder hashes)`,
      `rows streamed: ${rows} (${mb(bytesIn)}) in ${seconds.toFixed(1)} s = ${Math.round(rows / seconds)} rows/s`,
      `gateway RSS: idle ${mb(idle)}, peak ${mb(peak)} over ${samples.length} samples every ${SAMPLE_MS} ms`,
      'RSS by progress (rows streamed → RSS):',
    ];
    for (let decile = 1; decile <= 10; decile++) {
      const at = samples.find((s) => s.rows >= (count * decile) / 10) ?? samples[samples.length - 1];
      lines.push(`  ${String(decile * 10).padStart(3)}%  ${String(at.rows).padStart(8)}  ${mb(at.rss)}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    if (rows < count) throw new Error(`streamed ${rows} rows, expected at least ${count}`);
  } catch (error) {
    log(`bench failed: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  } finally {
    await stop();
    const cleanup = new Client({ connectionString: base });
    await cleanup.connect();
    if (process.env.KEEP_BENCH_DATABASE === 'true') log(`kept ${databaseUrl}`);
    else await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await cleanup.end();
  }
}

main().catch((error) => {
  log(`bench failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
});
