import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  getNamedType,
  GraphQLField,
  GraphQLInputType,
  GraphQLObjectType,
  isEnumType,
  isInputObjectType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { SMALL_WORLD } from '../fixtures/small-world';
import { startTestApp, TestApp } from '../support/test-app';

const MISSING = '5b0e1a63-8f5d-4c1e-9a36-0c0b7f9d2f11';
const BAD_IDS = [
  'not-a-uuid',
  '-'.repeat(36),
  "' OR 1=1 --",
  '5b0e1a63-8f5d-4c1e-9a36-0c0b7f9d2f1g',
  '',
  'a\u0000b',
  '5b0e1a63-8f5d-4c1e-9a36-0c0b7f9d2f11 ',
  'x'.repeat(5000),
];

const cursor = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Cursors a client could forge: right shape with a wrong part, wrong shapes, wrong encodings. */
const BAD_CURSORS = [
  cursor(['Open lab', 'not-a-uuid']),
  cursor(['2026-01-01T10:00:00.000Z', 'not-a-uuid']),
  cursor(['2026-01-01T10:00:00.000Z', '-'.repeat(36)]),
  cursor(['Ada', "' OR 1=1 --"]),
  cursor(['a\u0000b', MISSING]),
  cursor([1, MISSING]),
  cursor([['x'], MISSING]),
  cursor({ id: MISSING }),
  cursor([MISSING]),
  cursor('null'),
  cursor('x'.repeat(5000)),
  '%%%',
  'bm9wZQ',
];

/** Lists ordered by date first: the date part is checked too. */
const BAD_DATED_CURSORS = [
  ...BAD_CURSORS,
  cursor(['-271821-04-20T00:00:00.000Z', MISSING]),
  cursor(['+275760-09-13T00:00:00.000Z', MISSING]),
  cursor(['1', MISSING]),
  cursor(['2026-02-30T10:00:00.000Z', MISSING]),
];

/** A value for a required argument: enough to reach the resolver. */
function sample(type: GraphQLInputType): string {
  const named = getNamedType(type);
  if (isScalarType(named)) return named.name === 'Int' ? '1' : named.name === 'Boolean' ? 'true' : `"${MISSING}"`;
  if (isEnumType(named)) return named.getValues()[0].name;
  if (isInputObjectType(named)) {
    const fields = Object.values(named.getFields()).filter((f) => isNonNullType(f.type));
    return `{ ${fields.map((f) => `${f.name}: ${sample(f.type)}`).join(', ')} }`;
  }
  return 'null';
}

type Code = string | undefined;
const codes = (r: { body: { errors?: Array<{ extensions: { code: string } }> } }): Code[] =>
  (r.body.errors ?? []).map((e) => e.extensions.code);

describe('bad input is a client error, and audited', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  let admin: string;
  let owner: string;
  let alice: string;

  const auditCount = async (): Promise<number> =>
    Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events`))[0].n);

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set(new Date('2026-06-01T00:00:00Z'));
    ids = await t.importWorld(SMALL_WORLD);
    admin = await t.tokenFor(ids.admin);
    owner = await t.tokenFor(ids.owner);
    alice = await t.tokenFor(ids.alice);
  });
  afterAll(() => t.close());

  it('refuses a malformed id in every argument that takes one like a missing object, and audits it', async () => {
    const { schema } = t.app.get(GraphQLSchemaHost);
    let checked = 0;
    for (const [kind, root] of [
      ['query', schema.getQueryType()],
      ['mutation', schema.getMutationType()],
    ] as ['query' | 'mutation', GraphQLObjectType][]) {
      for (const field of Object.values(root.getFields()) as GraphQLField<unknown, unknown>[]) {
        const idArgs = field.args.filter((a) => getNamedType(a.type).name === 'ID');
        for (const arg of idArgs) {
          for (const caller of [admin, alice]) {
            for (const bad of BAD_IDS) {
              const others = field.args
                .filter((a) => a !== arg && isNonNullType(a.type))
                .map((a) => `${a.name}: ${sample(a.type)}`);
              const named = getNamedType(field.type);
              const selection = isScalarType(named) || isEnumType(named) ? '' : ' { __typename }';
              const query = `${kind}($bad: ID!) { ${field.name}(${[`${arg.name}: $bad`, ...others].join(', ')})${selection} }`;
              const before = await auditCount();
              const r = await t.gql(caller, query, { bad });
              const label = { field: field.name, arg: arg.name, bad: bad.slice(0, 40) };
              expect({ ...label, status: r.status }).toEqual({
                ...label,
                status: r.body.data === undefined ? 400 : 200,
              });
              expect({ ...label, codes: codes(r) }).toEqual({
                ...label,
                codes: [expect.stringMatching(/^(NOT_FOUND|BAD_USER_INPUT)$/)],
              });
              expect({ ...label, audited: (await auditCount()) > before }).toEqual({ ...label, audited: true });
              checked++;
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('gives a malformed id the same answer as a missing one', async () => {
    const missing = await t.gql(owner, `{ post(id: "${MISSING}") { id } }`);
    const malformed = await t.gql(owner, '{ post(id: "not-a-uuid") { id } }');
    expect(missing.status).toBe(200);
    expect(malformed).toEqual(missing);
  });

  it('refuses a forged cursor on every list with BAD_USER_INPUT, and audits it', async () => {
    const lists: [string, Record<string, unknown>, string[]][] = [
      ['query($after: String) { spaces(after: $after) { totalCount } }', {}, BAD_CURSORS],
      ['query($after: String) { feed(after: $after) { totalCount } }', {}, BAD_DATED_CURSORS],
      ['query($after: String) { users(after: $after) { totalCount } }', {}, BAD_CURSORS],
      ['query($after: String) { organizations(after: $after) { totalCount } }', {}, BAD_CURSORS],
      [
        'query($id: ID!, $after: String) { space(id: $id) { members(after: $after) { totalCount } } }',
        { id: ids.open },
        BAD_DATED_CURSORS,
      ],
      [
        'query($id: ID!, $after: String) { space(id: $id) { posts(after: $after) { totalCount } } }',
        { id: ids.open },
        BAD_DATED_CURSORS,
      ],
      [
        'query($id: ID!, $after: String) { post(id: $id) { comments(after: $after) { totalCount } } }',
        { id: ids['p-hub-host'] },
        BAD_DATED_CURSORS,
      ],
      [
        'query($id: ID!, $after: String) { post(id: $id) { reactions(after: $after) { totalCount } } }',
        { id: ids['p-hub-host'] },
        BAD_DATED_CURSORS,
      ],
    ];
    for (const [query, variables, cursors] of lists) {
      const ok = await t.gql(owner, query, { ...variables, after: null });
      expect(ok.body.errors).toBeUndefined();
      for (const after of cursors) {
        const before = await auditCount();
        const r = await t.gql(owner, query, { ...variables, after });
        const label = { query: query.slice(0, 60), after: after.slice(0, 60) };
        expect({ ...label, codes: codes(r) }).toEqual({ ...label, codes: ['BAD_USER_INPUT'] });
        expect({ ...label, audited: (await auditCount()) > before }).toEqual({ ...label, audited: true });
      }
    }
  });

  it('still pages with real cursors', async () => {
    const first = await t.gql(admin, '{ spaces(first: 1) { pageInfo { endCursor } edges { node { name } } } }');
    expect(first.body.errors).toBeUndefined();
    const next = await t.gql(
      admin,
      'query($after: String) { spaces(first: 1, after: $after) { edges { node { name } } } }',
      { after: first.body.data.spaces.pageInfo.endCursor },
    );
    expect(next.body.errors).toBeUndefined();
    expect(next.body.data.spaces.edges[0].node.name).not.toBe(first.body.data.spaces.edges[0].node.name);
  });

  it('refuses text the database cannot store (NUL) in any string argument, as a client error', async () => {
    const before = await auditCount();
    const r = await t.gql(owner, 'query($s: String) { users(search: $s) { totalCount } }', { s: 'a\u0000b' });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(await auditCount()).toBeGreaterThan(before);
  });
});
