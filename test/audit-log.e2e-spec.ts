import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { AuditInput, AuditService } from '../src/audit/audit.service';
import { EXPORT_COLUMNS } from '../src/audit-log/audit-event-view';
import { SESSION_COOKIE } from '../src/auth/session.service';
import { auditCommand } from '../src/cli/audit.command';
import { CliIo } from '../src/cli/cli-command';
import { CliException } from '../src/cli/cli.exception';
import { encodeCursor } from '../src/graphql/pagination';
import { expectData, expectError } from './support/graphql-expect';
import { startTestApp, TestApp } from './support/test-app';

// Issue 10, items 6 and 8: the audit log through GraphQL, the export route and the CLI.
// Who reads what: overseers everything; a partner admin the events about their own people,
// with nothing of another organisation's people or of spaces they do not see; anyone else
// is refused. Expected sets are computed here from the table with plain SQL.

const T0 = Date.parse('2026-12-02T06:00:00Z');
const LATER = '2027-06-01T00:00:00Z';
const user = (key: string, organization: string, extra: Record<string, unknown> = {}) => ({
  key,
  organization,
  email: `${key}@${organization}.test`,
  displayName: key.toUpperCase(),
  clearance: organization === 'host' ? 4 : 1,
  ...extra,
});
const WORLD = {
  organizations: [
    { key: 'host', name: 'Host', kind: 'HOST', domains: ['host.test'], clearanceCap: 4 },
    { key: 'acme', name: 'Acme', kind: 'PARTNER', domains: ['acme.test'], clearanceCap: 1 },
    { key: 'beta', name: 'Beta', kind: 'PARTNER', domains: ['beta.test'], clearanceCap: 1 },
  ],
  users: [
    user('admin', 'host', { roles: ['HOST_ADMIN'] }),
    user('rev', 'host', { roles: ['SECURITY_REVIEWER'] }),
    user('h1', 'host'),
    user('aadmin', 'acme', { roles: ['PARTNER_ADMIN'] }),
    user('a1', 'acme'),
    user('badmin', 'beta', { roles: ['PARTNER_ADMIN'] }),
    user('b1', 'beta'),
  ],
  spaces: [
    { key: 'lab', name: 'Lab', classification: 0, status: 'ACTIVE', partnerVisibility: 'OPEN' },
    { key: 'secret', name: 'Secret', classification: 0, status: 'ACTIVE', partnerVisibility: 'OPEN' },
  ],
  memberships: [
    { user: 'h1', space: 'lab', role: 'OWNER' },
    { user: 'h1', space: 'secret', role: 'OWNER' },
    { user: 'aadmin', space: 'lab', role: 'MEMBER', expiresAt: LATER },
    { user: 'a1', space: 'lab', role: 'MEMBER', expiresAt: LATER },
    { user: 'b1', space: 'lab', role: 'MEMBER', expiresAt: LATER },
    { user: 'b1', space: 'secret', role: 'MEMBER', expiresAt: LATER },
  ],
};

const EVENTS = `query($filter: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { seq id occurredAt action decision reason actorId actorOrganizationId subjectType subjectId
      subjectOrganizationId spaceId details ip requestId prevHash hash withheld } }
  }
}`;

type Row = { id: string; seq: string };
const capture = (): CliIo & { stdout: string[]; stderr: string[] } => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
};

/** RFC 4180, enough for the test: quoted cells, doubled quotes, line breaks inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (quoted && c === '"') quoted = false;
    else if (quoted) cell += c;
    else if (c === '"') quoted = true;
    else if (c === ',') endCell();
    else if (c === '\r' && text[i + 1] === '\n') {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length) {
    endCell();
    rows.push(row);
  }
  return rows;
}

describe('audit log (e2e)', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  const token: Record<string, string> = {};
  const ev: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    ids = await t.importWorld(WORLD);
    for (const u of WORLD.users) token[u.key] = await t.tokenFor(ids[u.key]);
    const audit = t.app.get(AuditService);
    const by = (key: string, org: string) => ({ actorId: ids[key], actorOrganizationId: ids[org] });
    const events: [string, AuditInput][] = [
      ['a1Login', { action: 'auth.login', outcome: 'SUCCESS', ...by('a1', 'acme') }],
      [
        'a1Failure',
        {
          action: 'auth.login',
          outcome: 'FAILURE',
          reason: 'signature_invalid',
          subjectType: 'User',
          subjectId: ids.a1,
        },
      ],
      [
        'a1Grant',
        {
          action: 'membership.grant',
          outcome: 'SUCCESS',
          ...by('h1', 'host'),
          subjectType: 'User',
          subjectId: ids.a1,
          details: { spaceId: ids.lab },
        },
      ],
      [
        'b1Grant',
        {
          action: 'membership.grant',
          outcome: 'SUCCESS',
          ...by('h1', 'host'),
          subjectType: 'User',
          subjectId: ids.b1,
          details: { spaceId: ids.secret },
        },
      ],
      [
        'b1Probe',
        {
          action: 'authz.denied',
          outcome: 'DENIED',
          reason: 'not_visible_or_missing',
          ...by('b1', 'beta'),
          subjectType: 'User',
          subjectId: ids.a1,
          details: { denied: { User: [ids.a1] } },
        },
      ],
      ['b1Login', { action: 'auth.login', outcome: 'SUCCESS', ...by('b1', 'beta'), ip: '10.0.0.2' }],
      [
        'a1Revoke',
        {
          action: 'membership.revoke',
          outcome: 'SUCCESS',
          ...by('admin', 'host'),
          subjectType: 'User',
          subjectId: ids.a1,
          details: { spaceId: ids.secret },
        },
      ],
      [
        'secretUpdate',
        {
          action: 'space.update',
          outcome: 'SUCCESS',
          ...by('admin', 'host'),
          subjectType: 'Space',
          subjectId: ids.secret,
        },
      ],
      [
        'formula',
        {
          action: 'auth.login',
          outcome: 'FAILURE',
          ...by('a1', 'acme'),
          reason: '=HYPERLINK("http://x","y")',
          ip: '-1+2',
          details: { note: 'a,b "c"\nd' },
        },
      ],
    ];
    for (const [i, [key, input]] of events.entries()) {
      t.clock.set(new Date(T0 + i * 60_000));
      await audit.record(input);
      const [row]: { id: string }[] = await t.dataSource.query('SELECT id FROM audit_events ORDER BY seq DESC LIMIT 1');
      ev[key] = row.id;
    }
    t.clock.set(null);
  });
  afterAll(() => t.close());

  /** Every page of auditEvents for a caller and filter, newest first. */
  async function all(who: string, filter: Record<string, unknown> = {}, first = 7) {
    const nodes: any[] = [];
    let after: string | null = null;
    let total: number;
    for (;;) {
      const data: any = expectData(await t.gql(token[who], EVENTS, { filter, first, after }));
      total = data.auditEvents.totalCount;
      nodes.push(...data.auditEvents.edges.map((e: any) => e.node));
      if (!data.auditEvents.pageInfo.hasNextPage) break;
      after = data.auditEvents.pageInfo.endCursor;
    }
    expect(nodes).toHaveLength(total);
    return nodes;
  }
  /** What plain SQL says, newest first, up to a position. */
  const expected = async (where: string, params: unknown[] = [], upTo = Number.MAX_SAFE_INTEGER) =>
    (
      (await t.dataSource.query(
        `SELECT id, seq::text AS seq FROM audit_events WHERE (${where}) AND seq <= ${upTo} ORDER BY audit_events.seq DESC`,
        params,
      )) as Row[]
    ).map((r) => r.id);
  const aboutOrg = (n: number) => `(actor_organization_id = $${n} OR subject_organization_id = $${n})`;

  it('gives overseers the whole log, newest first, page by page', async () => {
    for (const who of ['rev', 'admin']) {
      const nodes = await all(who);
      expect(nodes.map((n) => n.id)).toEqual(await expected('TRUE', [], Number(nodes[0].seq)));
      expect(nodes.find((n) => n.id === ev.b1Probe)).toMatchObject({
        actorId: ids.b1,
        subjectId: ids.a1,
        subjectOrganizationId: ids.acme,
        details: JSON.stringify({ denied: { User: [ids.a1] } }),
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        withheld: [],
      });
      expect(nodes.find((n) => n.id === ev.a1Grant)).toMatchObject({ spaceId: ids.lab, decision: 'SUCCESS' });
    }
  });

  it('filters in SQL by actor, organisation, space, action, decision and time', async () => {
    const cases: [Record<string, unknown>, string, unknown[]][] = [
      [{ actor: ids.a1 }, 'actor_id = $1', [ids.a1]],
      [{ organization: ids.acme }, aboutOrg(1), [ids.acme]],
      [{ space: ids.lab }, 'space_id = $1', [ids.lab]],
      [{ action: 'membership.grant' }, 'action = $1', ['membership.grant']],
      [{ decision: 'DENIED' }, 'outcome = $1', ['DENIED']],
      [
        { from: new Date(T0 + 2 * 60_000).toISOString(), to: new Date(T0 + 5 * 60_000).toISOString() },
        'occurred_at >= $1 AND occurred_at < $2',
        [new Date(T0 + 2 * 60_000), new Date(T0 + 5 * 60_000)],
      ],
      [{ organization: ids.acme, decision: 'FAILURE' }, `${aboutOrg(1)} AND outcome = 'FAILURE'`, [ids.acme]],
    ];
    for (const [filter, where, params] of cases) {
      const want = await expected(where, params);
      expect(want.length).toBeGreaterThan(0);
      expect((await all('rev', filter, 3)).map((n) => n.id)).toEqual(want);
    }
    const window = (await all('rev', cases[5][0])).map((n) => n.id);
    expect(window).toEqual([ev.b1Probe, ev.b1Grant, ev.a1Grant]);
  });

  it("gives a partner admin the events about their own people, and nothing of other organisations' people or unseen spaces", async () => {
    const nodes = await all('aadmin');
    expect(nodes.map((n) => n.id)).toEqual(await expected(aboutOrg(1), [ids.acme], Number(nodes[0].seq)));
    const got = new Map(nodes.map((n) => [n.id, n]));
    for (const key of ['a1Login', 'a1Failure', 'a1Grant', 'b1Probe', 'a1Revoke', 'formula'])
      expect(got.has(ev[key])).toBe(true);
    for (const key of ['b1Grant', 'b1Login', 'secretUpdate']) expect(got.has(ev[key])).toBe(false);
    expect(got.get(ev.a1Login)).toMatchObject({
      actorId: ids.a1,
      actorOrganizationId: ids.acme,
      details: null,
      hash: null,
    });
    // A host person granting: the grant and its space (one they see), not who granted it.
    expect(got.get(ev.a1Grant)).toMatchObject({ actorId: null, subjectId: ids.a1, spaceId: ids.lab });
    expect(got.get(ev.a1Grant).withheld).toEqual(expect.arrayContaining(['actorId', 'details', 'hash']));
    // Another organisation's person probing theirs: the probe, never the prober.
    expect(got.get(ev.b1Probe)).toMatchObject({
      actorId: null,
      actorOrganizationId: null,
      subjectId: ids.a1,
      details: null,
    });
    // A space they do not see is withheld.
    expect(got.get(ev.a1Revoke)).toMatchObject({ subjectId: ids.a1, spaceId: null });
    expect(got.get(ev.a1Revoke).withheld).toContain('spaceId');
    const text = JSON.stringify(nodes);
    for (const other of [ids.b1, ids.badmin, ids.beta, ids.secret]) expect(text).not.toContain(other);

    const beta = await all('badmin');
    expect(beta.map((n) => n.id)).toEqual(await expected(aboutOrg(1), [ids.beta], Number(beta[0].seq)));
    expect(beta.find((n) => n.id === ev.b1Probe)).toMatchObject({
      actorId: ids.b1,
      subjectId: null,
      subjectType: null,
    });
    expect(beta.find((n) => n.id === ev.b1Grant)).toMatchObject({
      subjectId: ids.b1,
      spaceId: null,
    });
    const betaText = JSON.stringify(beta);
    for (const other of [ids.a1, ids.aadmin, ids.acme]) expect(betaText).not.toContain(other);
  });

  it("lets a partner admin's filters reach only what they are shown", async () => {
    expect((await all('rev', { actor: ids.b1 })).length).toBeGreaterThan(0);
    expect(await all('aadmin', { actor: ids.b1 })).toEqual([]);
    expect((await all('aadmin', { organization: ids.acme })).length).toBeGreaterThan(0);
    expect((await all('aadmin', { space: ids.lab })).map((n) => n.id)).toEqual([ev.a1Grant]);
    const other = expectError(await t.gql(token.aadmin, EVENTS, { filter: { organization: ids.beta } }), 'FORBIDDEN');
    expect(other[0].extensions.reason).toBe('ORGANIZATION_OUT_OF_SCOPE');
    // A space they do not see answers like a missing one.
    const unseen = expectError(await t.gql(token.aadmin, EVENTS, { filter: { space: ids.secret } }), 'NOT_FOUND');
    const missing = expectError(await t.gql(token.aadmin, EVENTS, { filter: { space: randomUUID() } }), 'NOT_FOUND');
    expect(unseen.map((e) => [e.message, e.extensions])).toEqual(missing.map((e) => [e.message, e.extensions]));
  });

  it('refuses outsiders, audited, and bad input with its reason', async () => {
    for (const who of ['a1', 'h1', 'b1']) {
      const errors = expectError(await t.gql(token[who], EVENTS, {}), 'FORBIDDEN');
      expect(errors[0].extensions.reason).toBe('REVIEWER_REQUIRED');
    }
    const refusals: unknown[] = await t.dataSource.query(
      `SELECT 1 FROM audit_events WHERE action = 'audit.events' AND outcome = 'DENIED' AND actor_id = $1 AND reason = 'reviewer_required'`,
      [ids.a1],
    );
    expect(refusals).toHaveLength(1);
    expect(expectError(await t.gql(null, EVENTS, {}), 'UNAUTHENTICATED')).toHaveLength(1);
    const bad: [Record<string, unknown>, string | undefined][] = [
      [{ filter: { actor: 'nope' } }, 'INVALID_FILTER'],
      [{ filter: { from: new Date(T0).toISOString(), to: new Date(T0).toISOString() } }, 'INVALID_FILTER'],
      [{ filter: { action: 'x'.repeat(101) } }, 'INVALID_FILTER'],
      [{ after: 'garbage!' }, undefined],
      [{ after: encodeCursor(['1 OR 1=1']) }, undefined],
      [{ first: 0 }, undefined],
    ];
    for (const [variables, reason] of bad) {
      const errors = expectError(await t.gql(token.rev, EVENTS, variables), 'BAD_USER_INPUT');
      if (reason) expect(errors[0].extensions.reason).toBe(reason);
    }
    const audited: unknown[] = await t.dataSource.query(
      `SELECT 1 FROM audit_events WHERE action = 'audit.events' AND reason = 'invalid_filter' AND actor_id = $1`,
      [ids.rev],
    );
    expect(audited).toHaveLength(3);
  });

  it('anchors the chain on demand for overseers only', async () => {
    const mutation = 'mutation { anchorAuditChain { id seq hash signature } }';
    const anchor = expectData(await t.gql(token.rev, mutation)).anchorAuditChain;
    expect(anchor.signature).toMatch(/^[0-9a-f]{64}$/);
    for (const who of ['aadmin', 'a1']) {
      expect(expectError(await t.gql(token[who], mutation), 'FORBIDDEN')[0].extensions.reason).toBe(
        'OVERSEER_REQUIRED',
      );
    }
    expect(expectData(await t.gql(token.rev, '{ verifyAuditChain { ok anchors } }')).verifyAuditChain).toEqual({
      ok: true,
      anchors: 1,
    });
  });

  describe('GET /audit/export', () => {
    const exportAs = (cookie: string | null, query: string) => {
      const req = request(t.http)
        .get(`/audit/export${query}`)
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => done(null, text));
        });
      return cookie ? req.set('Cookie', `${SESSION_COOKIE}=${cookie}`) : req;
    };
    const lines = (body: string) =>
      body
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l));

    it('streams the whole log as JSON Lines to an overseer with a session, audited', async () => {
      const res = await exportAs(await t.sessionFor(ids.rev), '?format=jsonl');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('application/x-ndjson');
      const upTo = Number(res.headers['x-audit-export-up-to']);
      const rows = lines(res.body as string);
      expect(rows.map((r) => r.id)).toEqual((await expected('TRUE', [], upTo)).reverse());
      expect(Object.keys(rows[0])).toEqual([...EXPORT_COLUMNS]);
      const [exported]: { actor_id: string; details: { via: string; upTo: number } }[] = await t.dataSource.query(
        `SELECT actor_id, details FROM audit_events WHERE action = 'audit.export' ORDER BY seq DESC LIMIT 1`,
      );
      expect(exported).toMatchObject({ actor_id: ids.rev, details: { via: 'http', upTo } });
    });

    it('gives a partner admin their share, as the list does, with nothing of others', async () => {
      const res = await exportAs(await t.sessionFor(ids.aadmin), `?format=jsonl&decision=SUCCESS`);
      expect(res.status).toBe(200);
      const upTo = Number(res.headers['x-audit-export-up-to']);
      const rows = lines(res.body as string);
      const want = (await expected(`${aboutOrg(1)} AND outcome = 'SUCCESS'`, [ids.acme], upTo)).reverse();
      expect(want.length).toBeGreaterThan(0);
      expect(rows.map((r) => r.id)).toEqual(want);
      for (const other of [ids.b1, ids.badmin, ids.beta, ids.secret]) expect(res.body).not.toContain(other);
    });

    it('writes CSV that a spreadsheet cannot read as formulas', async () => {
      const res = await exportAs(await t.sessionFor(ids.admin), '?format=csv&action=auth.login&decision=FAILURE');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('text/csv');
      const [header, ...rows] = parseCsv(res.body as string);
      expect(header).toEqual([...EXPORT_COLUMNS]);
      const col = (name: string) => header.indexOf(name);
      const formula = rows.find((r) => r[col('id')] === ev.formula)!;
      expect(formula).toBeDefined();
      expect(formula[col('reason')]).toBe(`'=HYPERLINK("http://x","y")`);
      expect(formula[col('ip')]).toBe(`'-1+2`);
      expect(JSON.parse(formula[col('details')])).toEqual({ note: 'a,b "c"\nd' });
      expect(rows.map((r) => r[col('id')])).toEqual(
        (
          await expected(
            `action = 'auth.login' AND outcome = 'FAILURE'`,
            [],
            Number(res.headers['x-audit-export-up-to']),
          )
        ).reverse(),
      );
    });

    it('refuses the unauthenticated, outsiders and bad input before streaming', async () => {
      expect((await exportAs(null, '')).status).toBe(401);
      const outsider = await exportAs(await t.sessionFor(ids.a1), '');
      expect(outsider.status).toBe(403);
      expect(JSON.parse(outsider.body as string)).toMatchObject({ error: { code: 'FORBIDDEN' } });
      const rev = await t.sessionFor(ids.rev);
      for (const query of ['?format=xml', '?decision=MAYBE', '?actor=1', '?nope=1', '?actor=a&actor=b']) {
        expect([query, (await exportAs(rev, query)).status]).toEqual([query, 400]);
      }
      const unseen = await exportAs(await t.sessionFor(ids.aadmin), `?space=${ids.secret}`);
      expect(unseen.status).toBe(404);
    });
  });

  describe('npm run cli -- audit export', () => {
    const run = (args: string[], flags: Record<string, string | boolean | undefined>) => {
      const io = capture();
      return auditCommand.run({ args, flags, io, app: async () => t.app }).then(() => io);
    };

    it('streams the whole log as JSON Lines, or CSV into a file, audited', async () => {
      const io = await run(['export'], {});
      const rows = io.stdout.flatMap((chunk) => chunk.split('\n')).map((l) => JSON.parse(l));
      const upTo = Math.max(...rows.map((r) => Number(r.seq)));
      expect(rows.map((r) => r.id)).toEqual((await expected('TRUE', [], upTo)).reverse());
      const dir = mkdtempSync(join(tmpdir(), 'audit-export-'));
      try {
        const file = join(dir, 'out.csv');
        await run(['export'], { format: 'csv', out: file, organization: ids.beta });
        const [header, ...csv] = parseCsv(readFileSync(file, 'utf8'));
        expect(header).toEqual([...EXPORT_COLUMNS]);
        const want = (await expected(aboutOrg(1), [ids.beta])).reverse();
        expect(csv.map((r) => r[header.indexOf('id')])).toEqual(want.slice(0, csv.length));
        expect(csv.length).toBeGreaterThan(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const [exported]: { actor_id: string | null; details: { via: string } }[] = await t.dataSource.query(
        `SELECT actor_id, details FROM audit_events WHERE action = 'audit.export' ORDER BY seq DESC LIMIT 1`,
      );
      expect(exported).toMatchObject({ actor_id: null, details: { via: 'cli' } });
    });

    it('refuses a bad filter (exit 1) and an unknown subcommand (exit 2)', async () => {
      const bad = await run(['export'], { decision: 'MAYBE' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(bad).toBeInstanceOf(CliException);
      expect((bad as CliException).exitCode).toBe(1);
      expect((bad as CliException).message).toBe('--decision: one of SUCCESS, FAILURE, DENIED');
      const usage = await run(['frob'], {}).then(
        () => null,
        (e: unknown) => e,
      );
      expect((usage as CliException).exitCode).toBe(2);
    });
  });
});
