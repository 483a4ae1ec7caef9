import { startTestApp, TestApp } from './test-app';

/**
 * What the property tests of the write path share: the seed (a fixed default so that CI
 * repeats, `PROPERTY_SEED=random` to explore), one gateway emptied between runs, and the
 * tally of the steps they took.
 */
export function propertySeed(fixed: number): number {
  return process.env.PROPERTY_SEED === 'random'
    ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0
    : Number(process.env.PROPERTY_SEED ?? fixed);
}

/** One gateway for a whole file, every table emptied before each run. */
export class ReusedGateway {
  private app: TestApp | undefined;

  async emptied(): Promise<TestApp> {
    // One request reads everything a user sees: the limits meant for clients are raised here.
    this.app ??= await startTestApp({
      GRAPHQL_MAX_ROOT_FIELDS: '500',
      GRAPHQL_MAX_ALIASES: '500',
      GRAPHQL_MAX_COMPLEXITY: '1000000',
      GRAPHQL_MAX_TOKENS: '100000',
      GRAPHQL_MAX_DEPTH: '12',
    });
    // Every table but the append-only audit log and the migrations, whoever added them.
    const tables: Array<{ tablename: string }> = await this.app.dataSource.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('audit_events', 'migrations')`,
    );
    await this.app.dataSource.query(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(', ')} CASCADE`);
    return this.app;
  }

  async close(): Promise<void> {
    await this.app?.close();
  }
}

/** Steps taken, what they came to (`said` starts with "ok" for a success), per operation. */
export class StepTally {
  steps = 0;
  successes = 0;
  refusals = 0;
  skipped = 0;
  private readonly byOp = new Map<string, { ok: number; refused: number }>();

  record(op: string, said: string): void {
    this.steps += 1;
    const tally = this.byOp.get(op) ?? { ok: 0, refused: 0 };
    if (said.startsWith('ok') || op === 'clock') tally.ok += 1;
    else tally.refused += 1;
    this.byOp.set(op, tally);
    if (said.startsWith('ok')) this.successes += 1;
    else if (op !== 'clock') this.refusals += 1;
  }

  /** `n steps (s successes, r refusals, k skipped: not in the schema); ok/refused per op: …` */
  summary(): string {
    const byOp = [...this.byOp].map(([op, t]) => `${op} ${t.ok}/${t.refused}`).join(', ');
    return `${this.steps} steps (${this.successes} successes, ${this.refusals} refusals, ${this.skipped} skipped: not in the schema); ok/refused per op: ${byOp}`;
  }
}
