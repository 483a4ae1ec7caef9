import { X509Certificate } from 'node:crypto';
import { AuditEvent } from '../../src/database/entities/audit-event.entity';
import { ConnectionService } from '../../src/sso/connections/connection.service';
import { IdpConnection } from '../../src/database/entities/idp-connection.entity';
import { PartnerRolesOutsideHost1764400000000 } from '../../migrations/1764400000000-partner-roles-outside-host';
import { keyPair } from '../../src/common/testing/saml-keys';
import { startTestApp, TestApp } from '../support/test-app';

// Host power stays with the host's administrators: the whole matrix of role x caller
// organisation x target organisation x connection operation, over GraphQL.

type Org = 'host' | 'pa' | 'pb';
type Role = 'none' | 'PARTNER_ADMIN' | 'HOST_ADMIN' | 'SECURITY_REVIEWER';
type Outcome = 'OK' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT';

const ORGS: Org[] = ['host', 'pa', 'pb'];
const ROLES: Role[] = ['none', 'PARTNER_ADMIN', 'HOST_ADMIN', 'SECURITY_REVIEWER'];
const DOMAIN: Record<Org, string> = { host: 'host.test', pa: 'pa.test', pb: 'pb.test' };

const WORLD = {
  organizations: [
    { key: 'host', name: 'Host', kind: 'HOST', domains: [DOMAIN.host], clearanceCap: 4 },
    { key: 'pa', name: 'Partner A', kind: 'PARTNER', domains: [DOMAIN.pa], clearanceCap: 1 },
    { key: 'pb', name: 'Partner B', kind: 'CLIENT', domains: [DOMAIN.pb], clearanceCap: 1 },
  ],
  // Every role a user of that kind of organisation may hold; the others are forced in below.
  users: ORGS.flatMap((org) =>
    ROLES.filter(
      (role) => role === 'none' || (org === 'host' ? role !== 'PARTNER_ADMIN' : role === 'PARTNER_ADMIN'),
    ).map((role) => ({
      key: `${org}-${role}`,
      organization: org,
      email: `${role.toLowerCase()}@${DOMAIN[org]}`,
      displayName: `${org} ${role}`,
      clearance: 1,
      roles: role === 'none' ? [] : [role],
    })),
  ),
};

/** What the rule says each caller may do: DESIGN.md sections 2 and 3. */
function powers(role: Role, org: Org) {
  const hostAdmin = org === 'host' && role === 'HOST_ADMIN';
  const reviewer = org === 'host' && role === 'SECURITY_REVIEWER';
  const partnerAdmin = org !== 'host' && role === 'PARTNER_ADMIN';
  return {
    hostAdmin,
    // Organisations: own, the host, and every one for overseers (no shared spaces here).
    seesOrganization: (target: Org) => target === 'host' || target === org || hostAdmin || reviewer,
    readsConnectionsOf: (target: Org) => hostAdmin || reviewer || (partnerAdmin && target === org),
    managesConnectionsOf: (target: Org) => hostAdmin || (partnerAdmin && target === org),
  };
}

const CONNECTION_FIELDS =
  'id organizationId name status attributeMapping { groupRoles { group role } } signingCertificates { fingerprint }';
const HOST_ROLE_MAPPING = '{ groups: ["groups"], groupRoles: [{ group: "idp-admins", role: "HOST_ADMIN" }] }';

describe('connection privilege: role x caller organisation x target organisation', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  const tokens = new Map<string, string>();
  const connectionOf = {} as Record<Org, IdpConnection>;
  let cert: string;
  let extra: string;
  let extraFingerprint: string;
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp();
    ids = await t.importWorld(WORLD);
    // Impossible rows (a partner role on a host user, host roles on partner users), forced
    // past the database's own triggers: the gateway must still give them no power.
    await t.dataSource.transaction(async (m) => {
      await m.query(`ALTER TABLE users DISABLE TRIGGER USER`);
      for (const org of ORGS) {
        for (const role of ROLES) {
          if (ids[`${org}-${role}`] ?? ids[`user:${org}-${role}`]) continue;
          const [row] = await m.query(
            `INSERT INTO users (organization_id, email, display_name, clearance, status, roles) VALUES ($1, $2, $3, 1, 'ACTIVE', $4) RETURNING id`,
            [
              ids[org] ?? ids[`organization:${org}`],
              `forced-${role.toLowerCase()}@${DOMAIN[org]}`,
              `forced ${org} ${role}`,
              [role],
            ],
          );
          ids[`${org}-${role}`] = row.id;
        }
      }
      await m.query(`ALTER TABLE users ENABLE TRIGGER USER`);
    });
    for (const org of ORGS)
      for (const role of ROLES) tokens.set(`${org}-${role}`, await t.tokenFor(ids[`${org}-${role}`]));
    const [main, second] = await Promise.all([keyPair('idp.matrix.test'), keyPair('idp2.matrix.test')]);
    cert = main.cert;
    extra = second.cert;
    extraFingerprint = new X509Certificate(extra).fingerprint256;
    const service = t.app.get(ConnectionService);
    for (const org of ORGS) {
      connectionOf[org] = await service.create(
        { kind: 'cli' },
        {
          organizationId: orgId(org),
          idpEntityId: `https://idp.${DOMAIN[org]}`,
          ssoUrl: `https://idp.${DOMAIN[org]}/sso`,
          signingCertificates: [cert],
        },
      );
    }
  }, 120_000);
  afterAll(() => t.close());

  const orgId = (org: Org) => ids[org] ?? ids[`organization:${org}`];

  async function call(caller: string, query: string, field: string): Promise<{ outcome: Outcome; data: any }> {
    const r = await t.gql(tokens.get(caller)!, query);
    expect(r.status).toBe(200);
    const error = r.body.errors?.[0];
    if (!error) {
      expect(r.body.data[field]).toBeTruthy();
      return { outcome: 'OK', data: r.body.data[field] };
    }
    expect(r.body.errors).toHaveLength(1);
    return { outcome: error.extensions.code as Outcome, data: null };
  }

  /** Each operation: the GraphQL document, and the outcome the rule prescribes. */
  const operations: Record<
    string,
    (caller: { role: Role; org: Org }, target: Org) => { query: string; field: string; expected: Outcome }
  > = {
    idpConnections: ({ role, org }, target) => {
      const p = powers(role, org);
      return {
        field: 'idpConnections',
        query: `{ idpConnections(organizationId: "${orgId(target)}") { ${CONNECTION_FIELDS} } }`,
        expected: !p.seesOrganization(target) ? 'NOT_FOUND' : p.readsConnectionsOf(target) ? 'OK' : 'FORBIDDEN',
      };
    },
    idpConnection: ({ role, org }, target) => ({
      field: 'idpConnection',
      query: `{ idpConnection(id: "${connectionOf[target].id}") { ${CONNECTION_FIELDS} } }`,
      expected: powers(role, org).readsConnectionsOf(target) ? 'OK' : 'NOT_FOUND',
    }),
    createIdpConnection: ({ role, org }, target) => {
      const p = powers(role, org);
      return {
        field: 'createIdpConnection',
        query: `mutation { createIdpConnection(input: { organizationId: "${orgId(target)}", idpEntityId: "https://new${seq++}.${DOMAIN[target]}", ssoUrl: "https://sso.${DOMAIN[target]}/x", signingCertificates: ${JSON.stringify([cert])} }) { ${CONNECTION_FIELDS} } }`,
        expected: !p.seesOrganization(target) ? 'NOT_FOUND' : p.managesConnectionsOf(target) ? 'OK' : 'FORBIDDEN',
      };
    },
    'createIdpConnection mapping a group to HOST_ADMIN': ({ role, org }, target) => {
      const p = powers(role, org);
      return {
        field: 'createIdpConnection',
        query: `mutation { createIdpConnection(input: { organizationId: "${orgId(target)}", idpEntityId: "https://new${seq++}.${DOMAIN[target]}", ssoUrl: "https://sso.${DOMAIN[target]}/x", signingCertificates: ${JSON.stringify([cert])}, attributeMapping: ${HOST_ROLE_MAPPING} }) { ${CONNECTION_FIELDS} } }`,
        // Host roles are granted through host connections only (BAD_USER_INPUT elsewhere).
        expected: !p.seesOrganization(target)
          ? 'NOT_FOUND'
          : !p.hostAdmin
            ? 'FORBIDDEN'
            : target === 'host'
              ? 'OK'
              : 'BAD_USER_INPUT',
      };
    },
    updateIdpConnection: ({ role, org }, target) =>
      manageOutcome(
        role,
        org,
        target,
        'updateIdpConnection',
        `updateIdpConnection(id: "${connectionOf[target].id}", input: { name: "renamed ${seq++}" })`,
      ),
    'updateIdpConnection mapping a group to HOST_ADMIN': ({ role, org }, target) => {
      const p = powers(role, org);
      return {
        field: 'updateIdpConnection',
        query: `mutation { updateIdpConnection(id: "${connectionOf[target].id}", input: { attributeMapping: ${HOST_ROLE_MAPPING} }) { ${CONNECTION_FIELDS} } }`,
        expected: !p.readsConnectionsOf(target)
          ? 'NOT_FOUND'
          : !p.hostAdmin
            ? 'FORBIDDEN'
            : target === 'host'
              ? 'OK'
              : 'BAD_USER_INPUT',
      };
    },
    addIdpSigningCertificate: ({ role, org }, target) =>
      manageOutcome(
        role,
        org,
        target,
        'addIdpSigningCertificate',
        `addIdpSigningCertificate(id: "${connectionOf[target].id}", certificate: ${JSON.stringify(extra)})`,
      ),
    removeIdpSigningCertificate: ({ role, org }, target) =>
      manageOutcome(
        role,
        org,
        target,
        'removeIdpSigningCertificate',
        `removeIdpSigningCertificate(id: "${connectionOf[target].id}", fingerprint: "${extraFingerprint}")`,
      ),
    setIdpConnectionStatus: ({ role, org }, target) =>
      manageOutcome(
        role,
        org,
        target,
        'setIdpConnectionStatus',
        `setIdpConnectionStatus(id: "${connectionOf[target].id}", status: ACTIVE)`,
      ),
  };

  function manageOutcome(role: Role, org: Org, target: Org, field: string, call: string) {
    const p = powers(role, org);
    return {
      field,
      query: `mutation { ${call} { ${CONNECTION_FIELDS} } }`,
      expected: (!p.readsConnectionsOf(target)
        ? 'NOT_FOUND'
        : p.managesConnectionsOf(target)
          ? 'OK'
          : 'FORBIDDEN') as Outcome,
    };
  }

  const cells = ORGS.flatMap((org) => ROLES.flatMap((role) => ORGS.map((target) => ({ org, role, target }))));

  it.each(Object.keys(operations))(
    '%s: every role x caller organisation x target organisation gets exactly what the rule allows',
    async (name) => {
      const service = t.app.get(ConnectionService);
      const got: string[] = [];
      const want: string[] = [];
      for (const { org, role, target } of cells) {
        // The certificate to remove is there before every attempt, whoever made the last one.
        if (name === 'removeIdpSigningCertificate')
          await service.addSigningCertificate({ kind: 'cli' }, connectionOf[target].id, extra);
        const before = await t.dataSource.getRepository(AuditEvent).count();
        const op = operations[name]({ role, org }, target);
        const { outcome, data } = await call(`${org}-${role}`, op.query, op.field);
        const cell = `${role} of ${org} on ${target}`;
        got.push(`${cell}: ${outcome}`);
        want.push(`${cell}: ${op.expected}`);
        // Every refusal is audited, and every change.
        const mutation = op.query.startsWith('mutation');
        if (outcome === 'FORBIDDEN' || outcome === 'NOT_FOUND' || (outcome === 'OK' && mutation)) {
          expect({ cell, audited: (await t.dataSource.getRepository(AuditEvent).count()) > before }).toEqual({
            cell,
            audited: true,
          });
        }
        if (outcome !== 'OK') continue;
        if (name === 'idpConnections') expect(data.map((c: { id: string }) => c.id)).toContain(connectionOf[target].id);
        else expect(data.organizationId).toBe(orgId(target));
      }
      expect(got).toEqual(want);
    },
  );

  it('never lets a host user hold PARTNER_ADMIN: the import refuses it', async () => {
    await expect(
      t.importWorld({
        ...WORLD,
        users: [
          ...WORLD.users,
          {
            key: 'mole',
            organization: 'host',
            email: 'mole@host.test',
            displayName: 'Mole',
            clearance: 1,
            roles: ['PARTNER_ADMIN'],
          },
        ],
      }),
    ).rejects.toThrow(/PARTNER_ADMIN is held by users outside the host only/);
    expect(await t.dataSource.query(`SELECT id FROM users WHERE email = 'mole@host.test'`)).toEqual([]);
  });

  it('never lets a host user hold PARTNER_ADMIN: the database refuses it too, whichever side changes', async () => {
    const hostId = orgId('host');
    await expect(
      t.dataSource.query(
        `INSERT INTO users (organization_id, email, display_name, clearance, status, roles) VALUES ($1, 'sneak@host.test', 'Sneak', 0, 'ACTIVE', '{PARTNER_ADMIN}')`,
        [hostId],
      ),
    ).rejects.toThrow(/PARTNER_ADMIN is held by users outside the host only/);
    await expect(
      t.dataSource.query(`UPDATE users SET roles = '{PARTNER_ADMIN}' WHERE id = $1`, [ids['host-none']]),
    ).rejects.toThrow(/PARTNER_ADMIN is held by users outside the host only/);
    // A partner administrator moved into the host organisation.
    await expect(
      t.dataSource.query(`UPDATE users SET organization_id = $1 WHERE email = $2`, [
        hostId,
        `partner_admin@${DOMAIN.pa}`,
      ]),
    ).rejects.toThrow();
    // An organisation turned into the host (or out of it) with its people's roles.
    await t.dataSource.query(`DELETE FROM idp_connections`);
    await t.dataSource.query(`DELETE FROM users WHERE email LIKE 'forced-%'`);
    await expect(
      t.dataSource.query(`UPDATE organizations SET kind = 'PARTNER' WHERE id = $1`, [hostId]),
    ).rejects.toThrow(/host roles are held by host users only/);
    await t.dataSource.query(`UPDATE users SET roles = '{}' WHERE organization_id = $1`, [hostId]);
    await t.dataSource.query(`UPDATE organizations SET kind = 'PARTNER' WHERE id = $1`, [hostId]);
    await expect(
      t.dataSource.query(`UPDATE organizations SET kind = 'HOST' WHERE id = $1`, [orgId('pa')]),
    ).rejects.toThrow(/PARTNER_ADMIN is held by users outside the host only/);
    await t.dataSource.query(`UPDATE organizations SET kind = 'HOST' WHERE id = $1`, [hostId]);
  });

  it('migrates existing data: host users lose PARTNER_ADMIN, other organisations lose host-role mappings', async () => {
    const migration = new PartnerRolesOutsideHost1764400000000();
    const runner = t.dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      await runner.query(`UPDATE users SET roles = '{HOST_ADMIN,PARTNER_ADMIN}' WHERE id = $1`, [ids['host-none']]);
      await runner.query(
        `INSERT INTO idp_connections (organization_id, name, idp_entity_id, sso_url, sso_binding, signing_certificates, attribute_mapping, allowed_domains, status)
         VALUES ($1, 'legacy', 'https://legacy.pa.test', 'https://legacy.pa.test/sso', 'REDIRECT', $2, '{"groups":["g"],"groupRoles":{"admins":"HOST_ADMIN"}}', '{pa.test}', 'ACTIVE')`,
        [orgId('pa'), [cert]],
      );
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    expect((await t.dataSource.query(`SELECT roles FROM users WHERE id = $1`, [ids['host-none']]))[0].roles).toEqual([
      'HOST_ADMIN',
    ]);
    expect(
      (
        await t.dataSource.query(
          `SELECT attribute_mapping FROM idp_connections WHERE idp_entity_id = 'https://legacy.pa.test'`,
        )
      )[0].attribute_mapping,
    ).toEqual({ groups: ['g'] });
    await expect(
      t.dataSource.query(`UPDATE users SET roles = '{PARTNER_ADMIN}' WHERE id = $1`, [ids['host-none']]),
    ).rejects.toThrow(/outside the host only/);
  });
});
