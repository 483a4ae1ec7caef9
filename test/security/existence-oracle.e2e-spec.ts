import { randomUUID } from 'node:crypto';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  getNamedType,
  GraphQLArgument,
  GraphQLField,
  GraphQLInputField,
  GraphQLInputType,
  GraphQLObjectType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { AbilityFactory } from '../../src/access/ability.factory';
import { PrincipalService } from '../../src/auth/principal.service';
import { SubjectFactsService } from '../support/subject-facts';
import { ConnectionService } from '../../src/sso/connections/connection.service';
import { SMALL_WORLD } from '../fixtures/small-world';
import { keyPair } from '../../src/common/testing/saml-keys';
import { startTestApp, TestApp } from '../support/test-app';

// Invisible equals missing, on every path: for every argument of the schema that takes an
// id (queries and mutations, inputs included), an object the caller cannot see gets exactly
// the answer a random missing id gets (status, code, message, shape), and is audited. The
// schema is walked, so an operation added later is covered without editing this file.

/** Where an id goes: a root field, and the path of argument / input fields to the ID. */
interface IdSlot {
  kind: 'query' | 'mutation';
  field: GraphQLField<unknown, unknown>;
  path: string[];
}

function idPaths(type: GraphQLInputType, seen: Set<string>): string[][] {
  const named = getNamedType(type);
  if (isScalarType(named))
    return named.name === 'ID' && !isListType(isNonNullType(type) ? type.ofType : type) ? [[]] : [];
  if (!isInputObjectType(named) || seen.has(named.name)) return [];
  const inner = new Set(seen).add(named.name);
  return Object.values(named.getFields()).flatMap((f) => idPaths(f.type, inner).map((p) => [f.name, ...p]));
}

function slotsOf(kind: 'query' | 'mutation', root: GraphQLObjectType | null | undefined): IdSlot[] {
  return Object.values(root?.getFields() ?? {}).flatMap((field) =>
    field.args.flatMap((arg) => idPaths(arg.type, new Set()).map((p) => ({ kind, field, path: [arg.name, ...p] }))),
  );
}

/** A literal for an argument or input field: the id where the path leads, a plain sample for required values elsewhere. */
function literal(type: GraphQLInputType, path: string[], id: string): string | null {
  const named = getNamedType(type);
  if (path.length === 0 && isScalarType(named) && named.name === 'ID') return JSON.stringify(id);
  if (isInputObjectType(named)) {
    const fields = Object.values(named.getFields())
      .map(
        (f: GraphQLInputField) =>
          [
            f.name,
            f.name === path[0]
              ? literal(f.type, path.slice(1), id)
              : isNonNullType(f.type)
                ? literal(f.type, [], id)
                : null,
          ] as const,
      )
      .filter(([, v]) => v !== null);
    return `{ ${fields.map(([n, v]) => `${n}: ${v}`).join(', ')} }`;
  }
  if (isEnumType(named)) return named.getValues()[0].name;
  if (isScalarType(named))
    return named.name === 'Int'
      ? '1'
      : named.name === 'Boolean'
        ? 'true'
        : named.name === 'ID'
          ? JSON.stringify(randomUUID())
          : '"x"';
  return 'null';
}

function document(slot: IdSlot, id: string): string {
  const args = slot.field.args
    .map(
      (a: GraphQLArgument) =>
        [
          a.name,
          a.name === slot.path[0]
            ? literal(a.type, slot.path.slice(1), id)
            : isNonNullType(a.type)
              ? literal(a.type, [], id)
              : null,
        ] as const,
    )
    .filter(([, v]) => v !== null);
  const named = getNamedType(slot.field.type);
  const selection = isScalarType(named) || isEnumType(named) ? '' : ' { __typename }';
  return `${slot.kind} { ${slot.field.name}(${args.map(([n, v]) => `${n}: ${v}`).join(', ')})${selection} }`;
}

/** The response as a client sees it, without what differs per request by design. */
function comparable(r: { status: number; body: unknown }): unknown {
  return JSON.parse(JSON.stringify(r), (key, value) => (key === 'requestId' ? undefined : value));
}

/** The security review's queries, which name what overseers review (by id, label and grant), not what they read. */
const REVIEW_OPERATIONS = new Set(['whoCanAccess', 'reachOf', 'viewAs', 'explainAccess', 'previewAccessChange']);

const ALL_CALLERS = ['alice', 'arno', 'bob', 'staff', 'admin', 'reviewer'];
// Callers tried (ORACLE_CALLERS, comma-separated): all by default; CI's second,
// embedded-database pass tries an external user, a host user and the reviewer.
const CALLERS = process.env.ORACLE_CALLERS?.split(',') ?? ALL_CALLERS;
const TYPES = ['Organization', 'User', 'Space', 'Post', 'Comment', 'IdpConnection'] as const;
// Invisible objects tried per type (ORACLE_PER_TYPE): 2 by default; CI's second, embedded-database pass tries 1.
const PER_TYPE = Number(process.env.ORACLE_PER_TYPE ?? 2);

describe('existence oracle: an invisible id answers exactly like a missing one', () => {
  let t: TestApp;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp();
    ids = await t.importWorld({
      ...SMALL_WORLD,
      users: [
        ...SMALL_WORLD.users,
        {
          key: 'reviewer',
          organization: 'host',
          email: 'reviewer@host.test',
          displayName: 'Rita Reviewer',
          clearance: 4,
          status: 'ACTIVE',
          roles: ['SECURITY_REVIEWER'],
          skills: [],
        },
      ],
    });
    const { cert } = await keyPair('idp.oracle.test');
    const service = t.app.get(ConnectionService);
    for (const [org, domain] of [
      ['host', 'host.test'],
      ['acme', 'acme.test'],
      ['bolt', 'bolt.test'],
    ]) {
      await service.create(
        { kind: 'cli' },
        {
          organizationId: ids[org],
          idpEntityId: `https://idp.${domain}`,
          ssoUrl: `https://idp.${domain}/sso`,
          signingCertificates: [cert],
        },
      );
    }
  }, 120_000);
  afterAll(() => t.close());

  it('finds every id-taking operation of the schema', () => {
    const { schema } = t.app.get(GraphQLSchemaHost);
    const slots = [...slotsOf('query', schema.getQueryType()), ...slotsOf('mutation', schema.getMutationType())];
    const names = slots.map((s) => `${s.field.name}(${s.path.join('.')})`);
    for (const known of [
      'node(id)',
      'user(id)',
      'space(id)',
      'post(id)',
      'organization(id)',
      'idpConnection(id)',
      'idpConnections(organizationId)',
      'createIdpConnection(input.organizationId)',
      'updateIdpConnection(id)',
      'addIdpSigningCertificate(id)',
      'removeIdpSigningCertificate(id)',
      'setIdpConnectionStatus(id)',
    ]) {
      expect(names).toContain(known);
    }
  });

  it.each(CALLERS)('for %s, on every id-taking operation and every kind of invisible object', async (key) => {
    const { schema } = t.app.get(GraphQLSchemaHost);
    const slots = [...slotsOf('query', schema.getQueryType()), ...slotsOf('mutation', schema.getMutationType())];
    expect(ALL_CALLERS).toContain(key);
    const userId = ids[key] ?? ids[`user:${key}`];
    const token = await t.tokenFor(userId);

    // What this caller cannot see, from the same ability the gateway uses.
    const principal = (await t.app.get(PrincipalService).load(userId, t.clock.now(), { kind: 'token', id: 'test' }))!;
    const ability = t.app.get(AbilityFactory).createFor(principal);
    const facts = (await new SubjectFactsService(t.dataSource).loadAll()) as unknown as Record<
      string,
      { id: string }[] | undefined
    >;
    const invisible = TYPES.flatMap((type) =>
      (facts[type] ?? [])
        .filter((f) => !ability.can('read', f as never))
        .slice(0, PER_TYPE)
        .map((f) => ({ type, id: f.id, fact: f })),
    );
    expect(invisible.length).toBeGreaterThan(0);

    const mismatches: unknown[] = [];
    for (const slot of slots) {
      const missing = await t.gql(token, document(slot, randomUUID()));
      // The baseline itself must be the clear refusal, or the comparison proves nothing.
      expect({ op: slot.field.name, status: missing.status, code: missing.body.errors?.[0]?.extensions.code }).toEqual({
        op: slot.field.name,
        status: 200,
        code: 'NOT_FOUND',
      });
      for (const { fact, ...target } of invisible) {
        // Reviewing access is knowing what exists, by id and label (DESIGN 4): to a review
        // operation an object is invisible only when the caller may not review it either.
        if (REVIEW_OPERATIONS.has(slot.field.name) && ability.can('review', fact as never)) continue;
        const answer = await t.gql(token, document(slot, target.id));
        if (JSON.stringify(comparable(answer)) !== JSON.stringify(comparable(missing))) {
          mismatches.push({
            op: `${slot.field.name}(${slot.path.join('.')})`,
            target,
            missing: comparable(missing),
            invisible: comparable(answer),
          });
        }
      }
    }
    expect(mismatches).toEqual([]);

    // Every refusal of an invisible object is in the audit log, with its caller and id.
    const denied: { subject_id: string }[] = await t.dataSource.query(
      `SELECT DISTINCT subject_id FROM audit_events WHERE outcome = 'DENIED' AND actor_id = $1`,
      [userId],
    );
    const audited = new Set(denied.map((d) => d.subject_id));
    expect(invisible.filter((target) => !audited.has(target.id))).toEqual([]);
  });
});
