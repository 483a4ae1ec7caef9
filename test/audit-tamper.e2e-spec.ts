import { randomUUID } from 'node:crypto';
import { hashEvent } from '../src/audit/audit-chain';
import { AuditInput, AuditService, ChainProblem } from '../src/audit/audit.service';
import { AuditAnchorJob } from '../src/audit-log/audit-anchor.job';
import { auditCommand } from '../src/cli/audit.command';
import { CliIo } from '../src/cli/cli-command';
import { CliException } from '../src/cli/cli.exception';
import { AuditEvent } from '../src/database/entities/audit-event.entity';
import { expectData, expectError } from './support/graphql-expect';
import { startTestApp, TestApp } from './support/test-app';

// Issue 10, item 6: someone changes the audit table behind the API, as its owner with the
// triggers off. Verification (the service, the verifyAuditChain query and the CLI) must
// find and name the first altered, deleted, inserted or reordered row, and the anchors must
// catch a truncated tail and a forged anchor. Each case starts from the same intact copy.

const WORLD = {
  organizations: [
    { key: 'host', name: 'Host', kind: 'HOST', domains: ['host.test'], clearanceCap: 4 },
    { key: 'acme', name: 'Acme', kind: 'PARTNER', domains: ['acme.test'], clearanceCap: 1 },
  ],
  users: [
    {
      key: 'rev',
      organization: 'host',
      email: 'rev@host.test',
      displayName: 'Rev',
      clearance: 4,
      roles: ['SECURITY_REVIEWER'],
    },
    {
      key: 'ann',
      organization: 'acme',
      email: 'ann@acme.test',
      displayName: 'Ann',
      clearance: 1,
      roles: ['PARTNER_ADMIN'],
    },
  ],
};

const EVENTS = 30;
const capture = (): CliIo & { stdout: string[]; stderr: string[] } => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
};

describe('audit chain tampering (e2e)', () => {
  let t: TestApp;
  let audit: AuditService;
  let ids: Record<string, string>;
  let rows: AuditEvent[];
  let head: number;

  /** Changes the table as its owner would, with every trigger off. */
  const tamper = (...statements: [string, unknown[]?][]) =>
    t.dataSource.transaction(async (m) => {
      await m.query('ALTER TABLE audit_events DISABLE TRIGGER ALL');
      for (const [sql, params] of statements) await m.query(sql, params ?? []);
      await m.query('ALTER TABLE audit_events ENABLE TRIGGER ALL');
    });
  const bySeq = (seq: number) => rows.find((r) => r.seq === seq)!;
  const problemOf = async (): Promise<ChainProblem | null> => (await audit.verifyChain()).problem;

  beforeAll(async () => {
    t = await startTestApp();
    ids = await t.importWorld(WORLD);
    audit = t.app.get(AuditService);
    const inputs: AuditInput[] = Array.from({ length: EVENTS }, (_, i) => ({
      action: i % 3 ? 'auth.login' : 'membership.grant',
      outcome: i % 5 ? 'SUCCESS' : 'DENIED',
      actorId: ids.ann,
      actorOrganizationId: ids.acme,
      reason: `step ${i}`,
      details: { i, nested: { b: 2, a: 1 } },
    }));
    await audit.recordMany(inputs);
    rows = await t.dataSource.getRepository(AuditEvent).find({ order: { seq: 'ASC' } });
    head = rows[rows.length - 1].seq;
    expect(head).toBeGreaterThanOrEqual(EVENTS);
    await t.dataSource.query('CREATE TABLE audit_events_copy AS SELECT * FROM audit_events');
  });
  afterAll(() => t.close());

  // Back to the intact copy, and no anchors.
  afterEach(() =>
    tamper(
      ['DELETE FROM audit_anchors'],
      ['DELETE FROM audit_events'],
      ['INSERT INTO audit_events SELECT * FROM audit_events_copy'],
    ),
  );

  it('verifies the intact chain, and its anchors', async () => {
    expect(await audit.verifyChain()).toMatchObject({ ok: true, events: head, problem: null, brokenAt: null });
    const anchor = await t.app.get(AuditAnchorJob).run();
    expect(anchor).toMatchObject({ seq: head, hash: bySeq(head).hash });
    expect(await audit.verifyChain()).toMatchObject({ ok: true, anchors: 1, problem: null });
  });

  it('names an altered row', async () => {
    await tamper([`UPDATE audit_events SET reason = 'nothing to see' WHERE seq = 10`]);
    expect(await problemOf()).toMatchObject({ kind: 'ALTERED', seq: 10, eventId: bySeq(10).id });
  });

  it('names an altered row whose hash was recomputed', async () => {
    const forged = { ...bySeq(10), details: { i: 999 } };
    await tamper([
      `UPDATE audit_events SET details = $1, hash = $2 WHERE seq = 10`,
      [JSON.stringify(forged.details), hashEvent(forged)],
    ]);
    expect(await problemOf()).toMatchObject({ kind: 'ALTERED', seq: 10, eventId: bySeq(10).id });
  });

  it('names a deleted row, with or without the later rows renumbered', async () => {
    await tamper([`DELETE FROM audit_events WHERE seq = 10`]);
    expect(await problemOf()).toMatchObject({ kind: 'DELETED', seq: 10, eventId: null });
    await tamper(['DELETE FROM audit_events'], ['INSERT INTO audit_events SELECT * FROM audit_events_copy']);
    await tamper(
      [`DELETE FROM audit_events WHERE seq = 10`],
      [`UPDATE audit_events SET seq = -seq WHERE seq > 10`],
      [`UPDATE audit_events SET seq = -seq - 1 WHERE seq < 0`],
    );
    expect(await problemOf()).toMatchObject({ kind: 'DELETED', seq: 10, eventId: null });
  });

  it('names an inserted row: a forged, properly linked row with the rest renumbered, or one before the start', async () => {
    const forged = {
      ...bySeq(10),
      id: randomUUID(),
      action: 'auth.login',
      reason: 'forged',
      details: {},
      prevHash: bySeq(9).hash,
    };
    forged.hash = hashEvent(forged);
    const insert = (e: AuditEvent) =>
      [
        `INSERT INTO audit_events (seq, id, occurred_at, action, outcome, actor_id, actor_organization_id, subject_type, subject_id, reason, details, request_id, ip, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [
          e.seq,
          e.id,
          e.occurredAt,
          e.action,
          e.outcome,
          e.actorId,
          e.actorOrganizationId,
          e.subjectType,
          e.subjectId,
          e.reason,
          JSON.stringify(e.details),
          e.requestId,
          e.ip,
          e.prevHash,
          e.hash,
        ],
      ] as [string, unknown[]];
    await tamper(
      [`UPDATE audit_events SET seq = -seq WHERE seq >= 10`],
      [`UPDATE audit_events SET seq = -seq + 1 WHERE seq < 0`],
      insert(forged),
    );
    expect(await problemOf()).toMatchObject({ kind: 'INSERTED', seq: 10, eventId: forged.id });
    await tamper(['DELETE FROM audit_events'], ['INSERT INTO audit_events SELECT * FROM audit_events_copy']);
    const early = { ...forged, id: randomUUID(), seq: 0 };
    await tamper(insert(early));
    expect(await problemOf()).toMatchObject({ kind: 'INSERTED', seq: 0, eventId: early.id });
  });

  it('names reordered rows', async () => {
    await tamper(
      [`UPDATE audit_events SET seq = -1 WHERE seq = 10`],
      [`UPDATE audit_events SET seq = 10 WHERE seq = 11`],
      [`UPDATE audit_events SET seq = 11 WHERE seq = -1`],
    );
    expect(await problemOf()).toMatchObject({ kind: 'REORDERED', seq: 10, eventId: bySeq(11).id });
  });

  it('catches a truncated tail with the anchor, and a forged anchor', async () => {
    await audit.anchor();
    await tamper([`DELETE FROM audit_events WHERE seq > $1`, [head - 3]]);
    // The chain alone still holds: only the anchor knows it was longer.
    const result = await audit.verifyChain();
    expect(result).toMatchObject({ ok: false, events: head - 3, anchors: 1 });
    expect(result.problem).toMatchObject({ kind: 'DELETED', seq: head - 2 });
    expect(result.problem!.message).toContain(`seq ${head - 2}–${head} were deleted`);

    await tamper(['DELETE FROM audit_events'], ['INSERT INTO audit_events SELECT * FROM audit_events_copy']);
    expect(await problemOf()).toBeNull();
    await t.dataSource.query(`UPDATE audit_anchors SET seq = seq + 5`);
    expect(await problemOf()).toMatchObject({ kind: 'ANCHOR_FORGED', seq: head + 5 });
  });

  it('reports the break through verifyAuditChain (overseers only) and the CLI, which exits 1', async () => {
    const rev = await t.tokenFor(ids.rev);
    const ann = await t.tokenFor(ids.ann);
    const query = '{ verifyAuditChain { ok events anchors headSeq problem { kind seq eventId message } } }';
    expect(expectData(await t.gql(rev, query)).verifyAuditChain).toMatchObject({ ok: true, problem: null });
    const cleanIo = capture();
    await auditCommand.run({ args: ['verify'], flags: {}, io: cleanIo, app: async () => t.app });
    expect(cleanIo.stdout[0]).toMatch(/^audit chain intact: \d+ events/);

    await tamper([`UPDATE audit_events SET action = 'auth.logout' WHERE seq = 7`]);
    expect(expectData(await t.gql(rev, query)).verifyAuditChain).toMatchObject({
      ok: false,
      problem: { kind: 'ALTERED', seq: '7', eventId: bySeq(7).id },
    });
    expect(expectError(await t.gql(ann, query), 'FORBIDDEN')[0].extensions.reason).toBe('OVERSEER_REQUIRED');

    const io = capture();
    const refusal = await auditCommand.run({ args: ['verify'], flags: {}, io, app: async () => t.app }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refusal).toBeInstanceOf(CliException);
    expect((refusal as CliException).exitCode).toBe(1);
    expect((refusal as CliException).message).toContain(`ALTERED at seq 7 (event ${bySeq(7).id})`);
    const verifications: { outcome: string; reason: string }[] = await t.dataSource.query(
      `SELECT outcome, reason FROM audit_events WHERE action = 'audit.verify' ORDER BY seq`,
    );
    // The query's finding, the partner admin's refusal, the command line's finding.
    expect(verifications.slice(-3)).toEqual([
      { outcome: 'FAILURE', reason: 'altered' },
      { outcome: 'DENIED', reason: 'overseer_required' },
      { outcome: 'FAILURE', reason: 'altered' },
    ]);
  });
});
