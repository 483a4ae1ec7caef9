import { Client } from 'pg';
import { newSecret, sha256Hex } from '../../src/common/secrets';
import { keyPair } from '../../src/common/testing/saml-keys';
import { demoIdpMetadata } from '../../src/dev/demo-idp/demo-response.builder';
import { mintCallers } from '../bench/callers';
import type { InvitationPlan, LoadCaller, LoadIdp, Person } from './load-mix';

// The people of the load test, on a world seeded by the benchmark's seed: bearer tokens
// minted as `cli token` does, one IdP connection per organisation registered over GraphQL by
// a host admin, and each caller linked to it by a NameID, as an administrator links an
// existing account (never by email).

const NAME_ID_FORMAT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';

async function gql(baseUrl: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
  return { status: res.status, body };
}

async function data(baseUrl: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const { status, body } = await gql(baseUrl, token, query, variables);
  if (status !== 200 || body.errors?.length)
    throw new Error(`${query.slice(0, 60)}…: HTTP ${status} ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** Bearer tokens for these users, minted as `cli token` does (only the hash is stored). */
async function mintTokens(db: Client, userIds: string[]): Promise<Map<string, string>> {
  const tokens = new Map(userIds.map((id) => [id, newSecret('psl')]));
  await db.query(
    `INSERT INTO api_tokens (token_hash, user_id, name, expires_at)
     SELECT h, u, 'load', now() + interval '6 hours' FROM unnest($1::text[], $2::uuid[]) AS t(h, u)`,
    [[...tokens.values()].map(sha256Hex), [...tokens.keys()]],
  );
  return tokens;
}

/** A token for the seed's first host admin. */
async function adminToken(db: Client): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT u.id FROM users u JOIN organizations o ON o.id = u.organization_id
      WHERE 'HOST_ADMIN' = ANY(u.roles) AND u.status = 'ACTIVE' AND o.kind = 'HOST' ORDER BY u.email LIMIT 1`,
  );
  if (rows.length === 0) throw new Error('the seed has no active host admin');
  return (await mintTokens(db, [rows[0].id])).get(rows[0].id)!;
}

/**
 * Up to `count` invitations that the rule allows: in each space that is not archived, an
 * active OWNER or ANIMATOR cleared for it invites host colleagues cleared for it who hold
 * no grant there (internal invitations: no four eyes), in an order that mixes the spaces.
 */
async function invitationPlans(db: Client, count: number, hostIdp: LoadIdp): Promise<InvitationPlan[]> {
  const { rows } = await db.query<{ space_id: string; inviter_id: string; invitee_id: string; email: string }>(
    `WITH host AS (SELECT id, clearance_cap FROM organizations WHERE kind = 'HOST')
     SELECT s.id AS space_id, inv.user_id AS inviter_id, u.id AS invitee_id, u.email
       FROM spaces s
       CROSS JOIN host
       JOIN LATERAL (
         SELECT m.user_id FROM memberships m JOIN users iu ON iu.id = m.user_id
          WHERE m.space_id = s.id AND m.role IN ('OWNER', 'ANIMATOR') AND m.status = 'ACTIVE'
            AND (m.expires_at IS NULL OR m.expires_at > now()) AND iu.status = 'ACTIVE'
            AND iu.organization_id = host.id AND LEAST(iu.clearance, host.clearance_cap) >= s.classification
          ORDER BY m.user_id LIMIT 1) inv ON true
       JOIN users u ON u.organization_id = host.id AND u.status = 'ACTIVE'
                   AND LEAST(u.clearance, host.clearance_cap) >= s.classification
      WHERE s.status <> 'ARCHIVED'
        AND NOT EXISTS (SELECT 1 FROM memberships x WHERE x.space_id = s.id AND x.user_id = u.id)
      ORDER BY md5(s.id::text || u.id::text)
      LIMIT $1`,
    [count],
  );
  const tokens = await mintTokens(db, [...new Set(rows.map((r) => r.inviter_id))]);
  const invitees = new Map(
    rows.map((r) => [
      r.invitee_id,
      { userId: r.invitee_id, email: r.email, nameId: `load-${r.invitee_id}`, idp: hostIdp },
    ]),
  );
  await link(db, [...invitees.values()]);
  return rows.map((r) => ({
    spaceId: r.space_id,
    inviterToken: tokens.get(r.inviter_id)!,
    invitee: invitees.get(r.invitee_id)!,
  }));
}

/** Links each person to their organisation's connection by their NameID (kept if already linked). */
async function link(db: Client, people: Person[]): Promise<void> {
  await db.query(
    `INSERT INTO external_identities (user_id, connection_id, name_id, name_id_format)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[])
     ON CONFLICT DO NOTHING`,
    [
      people.map((p) => p.userId),
      people.map((p) => p.idp.connectionId),
      people.map((p) => p.nameId),
      people.map(() => NAME_ID_FORMAT),
    ],
  );
}

export interface LoadWorld {
  callers: LoadCaller[];
  invitations: InvitationPlan[];
}

export async function loadWorld(
  databaseUrl: string,
  baseUrl: string,
  count: number,
  invitations: number,
): Promise<LoadWorld> {
  const callers = await mintCallers(databaseUrl, count);
  const db = new Client({ connectionString: databaseUrl, application_name: 'passerelle-load-world' });
  await db.connect();
  try {
    const admin = await adminToken(db);
    const { rows } = await db.query<{
      id: string;
      email: string;
      organization_id: string;
      host_roles: boolean;
      writable: string[];
      foreign_post: string | null;
    }>(
      `SELECT u.id, u.email, u.organization_id,
              u.roles && ARRAY['HOST_ADMIN', 'SECURITY_REVIEWER']::text[] AS host_roles,
              COALESCE(array_agg(m.space_id ORDER BY m.space_id) FILTER (WHERE m.role <> 'OBSERVER' AND s.status <> 'ARCHIVED'), '{}') AS writable,
              (SELECT p.id FROM posts p
                WHERE NOT EXISTS (SELECT 1 FROM memberships x WHERE x.space_id = p.space_id AND x.user_id = u.id)
                ORDER BY p.id LIMIT 1) AS foreign_post
         FROM users u
         JOIN organizations o ON o.id = u.organization_id
         LEFT JOIN memberships m ON m.user_id = u.id AND m.status = 'ACTIVE' AND (m.expires_at IS NULL OR m.expires_at > now())
         LEFT JOIN spaces s ON s.id = m.space_id AND s.classification <= LEAST(u.clearance, o.clearance_cap)
        WHERE u.id = ANY($1::uuid[])
        GROUP BY u.id`,
      [callers.map((c) => c.userId)],
    );
    const facts = new Map(rows.map((r) => [r.id, r]));

    // One IdP per organisation of the pool and the host's, registered from its metadata.
    const idps = new Map<string, LoadIdp>();
    const { rows: hosts } = await db.query<{ id: string }>(`SELECT id FROM organizations WHERE kind = 'HOST'`);
    for (const orgId of new Set([hosts[0].id, ...rows.map((r) => r.organization_id)])) {
      const entityId = `https://idp.${orgId}.load.test`;
      const key = await keyPair(`idp.${orgId}.load.test`);
      const created = await data(
        baseUrl,
        admin,
        `mutation($input: CreateIdpConnectionInput!) { createIdpConnection(input: $input) { id } }`,
        {
          input: {
            organizationId: orgId,
            metadataXml: demoIdpMetadata(entityId, `${entityId}/sso`, `${entityId}/slo`, key.cert),
          },
        },
      );
      idps.set(orgId, { connectionId: created.createIdpConnection.id as string, entityId, key });
    }

    const people: LoadCaller[] = callers.map((c) => {
      const f = facts.get(c.userId)!;
      return {
        ...c,
        email: f.email,
        nameId: `load-${c.userId}`,
        idp: idps.get(f.organization_id)!,
        writableSpaceIds: f.writable,
        postTargets: [],
        // Host admins and reviewers see every space: the lookup that must fail is a plain member's.
        foreignPostId: f.host_roles ? null : f.foreign_post,
        session: null,
      };
    });
    await link(db, people);

    // What each caller writes on: posts of their feed in the spaces where they write.
    for (const p of people) {
      const feed = await data(
        baseUrl,
        p.token,
        `{ feed(first: 50) { edges { node { id hidden deleted space { id } } } } }`,
      );
      const writable = new Set(p.writableSpaceIds);
      p.postTargets = (
        feed.feed.edges as { node: { id: string; hidden: boolean; deleted: boolean; space: { id: string } } }[]
      )
        .map((e) => e.node)
        .filter((n) => !n.hidden && !n.deleted && writable.has(n.space.id))
        .map((n) => n.id);
      // The lookup the rule refuses is checked once before the load: NOT_FOUND, like a missing post.
      if (p.foreignPostId) {
        const { status, body } = await gql(baseUrl, p.token, `query($id: ID!) { post(id: $id) { id } }`, {
          id: p.foreignPostId,
        });
        const codes = (body.errors ?? []).map((e) => e.extensions?.code);
        if (status !== 200 || codes.join() !== 'NOT_FOUND')
          throw new Error(`post ${p.foreignPostId} should be NOT_FOUND for ${p.userId}: ${JSON.stringify(body)}`);
      }
    }
    return { callers: people, invitations: await invitationPlans(db, invitations, idps.get(hosts[0].id)!) };
  } finally {
    await db.end();
  }
}
