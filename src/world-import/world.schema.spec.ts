import { WorldImportErrorCode, WorldImportException } from './world-import.exception';
import { worldId } from './world-id';
import { validateWorld } from './world.schema';

/** A small sound world: a host, a partner, one space, a membership each, a post and a comment. */
function world(): Record<string, Record<string, unknown>[]> {
  return {
    organizations: [
      { key: 'host', name: 'Host', kind: 'HOST', domains: ['host.test'], clearanceCap: 4, status: 'ACTIVE' },
      { key: 'acme', name: 'Acme', kind: 'PARTNER', domains: ['Acme.test'], clearanceCap: 1, status: 'ACTIVE' },
    ],
    users: [
      {
        key: 'hana',
        organization: 'host',
        email: 'Hana@Host.test',
        displayName: 'Hana',
        clearance: 4,
        status: 'ACTIVE',
        roles: ['HOST_ADMIN'],
        skills: [],
      },
      {
        key: 'bob',
        organization: 'acme',
        email: 'bob@acme.test',
        displayName: 'Bob',
        clearance: 1,
        status: 'ACTIVE',
        roles: [],
        skills: ['cardboard'],
      },
    ],
    spaces: [
      { key: 'lab', name: 'Lab', purpose: 'Try things', classification: 1, status: 'ACTIVE', partnerVisibility: 'HUB' },
    ],
    memberships: [
      { user: 'hana', space: 'lab', role: 'OWNER', status: 'ACTIVE' },
      { user: 'bob', space: 'lab', role: 'MEMBER', status: 'ACTIVE', expiresAt: '2026-03-01T00:00:00Z' },
    ],
    posts: [{ key: 'p1', space: 'lab', author: 'bob', title: 'Idea', body: 'A box', label: 1, hidden: false }],
    comments: [{ key: 'c1', post: 'p1', author: 'hana', body: 'Nice', createdAt: '2026-01-02T10:00:00+01:00' }],
  };
}

/** The problems validateWorld reports for `w`; fails when it accepts it. */
function problemsOf(w: unknown): string[] {
  try {
    validateWorld(w);
  } catch (error) {
    expect(error).toBeInstanceOf(WorldImportException);
    expect((error as WorldImportException).code).toBe(WorldImportErrorCode.INVALID_WORLD);
    return (error as WorldImportException).problems;
  }
  throw new Error('the world was accepted');
}

describe('validateWorld', () => {
  it('accepts a sound world, normalises emails and domains, and resolves references to ids', () => {
    const v = validateWorld(world());
    expect(v.organizations[1].domains).toEqual(['acme.test']);
    expect(v.users[0].email).toBe('hana@host.test');
    expect(v.users[1]).toMatchObject({ organizationId: worldId('organization', 'acme'), external: true });
    expect(v.memberships[1]).toMatchObject({
      userId: worldId('user', 'bob'),
      spaceId: worldId('space', 'lab'),
      external: true,
    });
    expect(v.memberships[1].expiresAt?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(v.memberships[0].expiresAt).toBeUndefined();
    expect(v.posts[0]).toMatchObject({ authorOrganizationId: worldId('organization', 'acme'), createdAt: undefined });
    expect(v.comments[0].createdAt?.toISOString()).toBe('2026-01-02T09:00:00.000Z');
    expect(v.ids).toEqual({
      host: worldId('organization', 'host'),
      acme: worldId('organization', 'acme'),
      hana: worldId('user', 'hana'),
      bob: worldId('user', 'bob'),
      lab: worldId('space', 'lab'),
      p1: worldId('post', 'p1'),
      c1: worldId('comment', 'c1'),
    });
    expect(v.warnings).toEqual([]);
  });

  it('keeps a given id, lower-cased', () => {
    const w = world();
    w.users[1].id = 'A0000000-0000-4000-8000-00000000000B';
    expect(validateWorld(w).ids.bob).toBe('a0000000-0000-4000-8000-00000000000b');
  });

  it('fills defaults: statuses ACTIVE, empty lists, a label equal to the classification', () => {
    const w = world();
    delete w.organizations[1].status;
    delete w.organizations[1].domains;
    delete w.users[1].roles;
    delete w.posts[0].label;
    delete w.posts[0].hidden;
    const v = validateWorld(w);
    expect(v.organizations[1]).toMatchObject({ status: 'ACTIVE', domains: [] });
    expect(v.users[1].roles).toEqual([]);
    expect(v.posts[0]).toMatchObject({ label: 1, hidden: false });
  });

  it('accepts history: disabled users, suspended organisations, past expiries, authors who are not members, low clearances', () => {
    const w = world();
    w.organizations[1].status = 'SUSPENDED';
    w.users[1].status = 'DISABLED';
    w.users[1].clearance = 0;
    w.memberships[1].expiresAt = '2001-01-01';
    w.memberships[1].status = 'REVOKED';
    w.memberships.splice(0, 1);
    w.memberships[0].expiresAt = '2099-01-01T00:00:00Z';
    expect(() => validateWorld(w)).not.toThrow();
  });

  it('warns, without refusing, about an email outside its organisation domains', () => {
    const w = world();
    w.users[1].email = 'bob@gmail.test';
    expect(validateWorld(w).warnings).toEqual([
      'users[1] (key "bob"): email domain "gmail.test" is not one of the domains of organization "acme" (acme.test)',
    ]);
  });

  it('names the record of an unknown reference', () => {
    const w = world();
    w.users[1].organization = 'acne';
    w.memberships[0].space = 'lab2';
    w.posts[0].author = 'bobby';
    w.comments[0].post = 'p9';
    expect(problemsOf(w)).toEqual([
      'users[1] (key "bob"): organization "acne" is not defined',
      'memberships[0] (user "hana", space "lab2"): space "lab2" is not defined',
      'posts[0] (key "p1"): author "bobby" is not defined',
      'comments[0] (key "c1"): post "p9" is not defined',
    ]);
  });

  it('refuses wrong enums, levels outside 0..4 and non-integer levels', () => {
    const w = world();
    w.organizations[1].kind = 'SUPPLIER';
    w.organizations[1].clearanceCap = 5;
    w.users[1].clearance = 1.5;
    w.users[1].status = 'GONE';
    w.spaces[0].classification = '2';
    w.spaces[0].partnerVisibility = 'CLOSED';
    w.memberships[1].role = 'GUEST';
    w.posts[0].label = -1;
    expect(problemsOf(w)).toEqual([
      'organizations[1] (key "acme"): kind must be one of HOST, PARTNER, CLIENT, got "SUPPLIER"',
      'organizations[1] (key "acme"): clearanceCap must be a whole number from 0 to 4, got 5',
      'users[1] (key "bob"): clearance must be a whole number from 0 to 4, got 1.5',
      'users[1] (key "bob"): status must be one of ACTIVE, DISABLED, got "GONE"',
      'spaces[0] (key "lab"): classification must be a whole number from 0 to 4, got "2"',
      'spaces[0] (key "lab"): partnerVisibility must be one of OPEN, HUB, got "CLOSED"',
      'memberships[1] (user "bob", space "lab"): role must be one of OWNER, ANIMATOR, MEMBER, OBSERVER, got "GUEST"',
      'posts[0] (key "p1"): label must be a whole number from 0 to 4, got -1',
    ]);
  });

  it('refuses an external OWNER or ANIMATOR', () => {
    const w = world();
    w.memberships[1].role = 'ANIMATOR';
    expect(problemsOf(w)).toEqual(['memberships[1] (user "bob", space "lab"): an external user cannot be ANIMATOR']);
  });

  it('refuses host roles on a user outside the host', () => {
    const w = world();
    w.users[1].roles = ['PARTNER_ADMIN', 'SECURITY_REVIEWER'];
    expect(problemsOf(w)).toEqual([
      'users[1] (key "bob"): SECURITY_REVIEWER is held by host users only (organization "acme" is PARTNER)',
    ]);
  });

  it('refuses the partner role on a host user', () => {
    const w = world();
    w.users[0].roles = ['HOST_ADMIN', 'PARTNER_ADMIN'];
    expect(problemsOf(w)).toEqual([
      'users[0] (key "hana"): PARTNER_ADMIN is held by users outside the host only (organization "host" is HOST)',
    ]);
  });

  it("refuses a label below its space's classification", () => {
    const w = world();
    w.posts[0].label = 0;
    expect(problemsOf(w)).toEqual(['posts[0] (key "p1"): label 0 is below the classification 1 of space "lab"']);
  });

  it('refuses two HOST organisations', () => {
    const w = world();
    w.organizations[1].kind = 'HOST';
    w.users[1].roles = [];
    expect(problemsOf(w)).toContain(
      'organizations: there is exactly one HOST organisation, the file has 2 ("host", "acme")',
    );
  });

  it('refuses duplicate keys within a type, duplicate ids, duplicate emails and memberships', () => {
    const w = world();
    w.users.push({ ...w.users[1], email: 'BOB@acme.test' });
    w.spaces[0].id = '00000000-0000-4000-8000-000000000001';
    w.posts[0].id = '00000000-0000-4000-8000-000000000001';
    w.memberships.push({ user: 'bob', space: 'lab', role: 'OBSERVER' });
    expect(problemsOf(w)).toEqual([
      'users[2] (key "bob"): email "bob@acme.test" is already used by users[1] (key "bob")',
      'users[2] (key "bob"): key "bob" is already used by users[1] (key "bob")',
      'users[2] (key "bob"): id "' + worldId('user', 'bob') + '" is already used by users[1] (key "bob")',
      'memberships[2] (user "bob", space "lab"): "bob" is already a member of "lab" in memberships[1] (user "bob", space "lab")',
      'posts[0] (key "p1"): id "00000000-0000-4000-8000-000000000001" is already used by spaces[0] (key "lab")',
    ]);
  });

  it('refuses an invalid UUID, missing strings and bad instants; names unknown fields and sections without refusing', () => {
    const w: Record<string, unknown> = world();
    const orgs = w.organizations as Record<string, unknown>[];
    orgs[1].id = 'acme-1';
    delete orgs[1].name;
    (w.users as Record<string, unknown>[])[1].displayName = '  ';
    (w.posts as Record<string, unknown>[])[0].hiden = true;
    (w.comments as Record<string, unknown>[])[0].createdAt = '2026-01-02 10:00';
    w.likes = [];
    w.$comment = 'metadata is fine';
    expect(problemsOf(w)).toEqual([
      'organizations[1] (key "acme"): id must be a UUID, got "acme-1"',
      'organizations[1] (key "acme"): name is required (a non-empty string)',
      'users[1] (key "bob"): displayName is required (a non-empty string), got "  "',
      'comments[0] (key "c1"): createdAt must be an ISO 8601 date-time with a time zone (e.g. 2026-03-01T09:00:00Z) or a signed duration from the import (e.g. -P3DT2H), got "2026-01-02 10:00"',
    ]);
  });

  it('warns about unknown fields and sections, and ignores them', () => {
    const w: Record<string, unknown> = world();
    (w.posts as Record<string, unknown>[])[0].hiden = true;
    w.likes = [];
    const valid = validateWorld(w);
    expect(valid.warnings).toEqual(
      expect.arrayContaining([
        'unknown section "likes" ignored (expected organizations, users, spaces, memberships, posts, comments, reactions)',
        'posts[0] (key "p1"): unknown field "hiden" ignored (expected key, space, author, title, body, id, label, hidden, createdAt)',
      ]),
    );
  });

  it('gives an external membership with a null expiry the default expiry, and keeps a host one without', () => {
    const w = world();
    w.memberships[0].expiresAt = null;
    w.memberships[1].expiresAt = null;
    const valid = validateWorld(w);
    expect(valid.memberships.map((m) => m.expiresAt)).toEqual([null, undefined]);
    expect(valid.warnings).toContain(
      'memberships[1] (user "bob", space "lab"): an external membership cannot be without expiry; the default of 90 days applies',
    );
  });

  it('refuses a domain claimed by two organisations, and bad emails and domains', () => {
    const w = world();
    w.organizations[1].domains = ['host.test', 'not a domain'];
    w.users[1].email = 'bob';
    expect(problemsOf(w)).toEqual([
      'organizations[1] (key "acme"): domain "not a domain" is not a domain name',
      'organizations[1] (key "acme"): domain "host.test" is already claimed by organizations[0] (key "host")',
      'users[1] (key "bob"): email "bob" is not an email address',
    ]);
  });

  it('refuses what is not a world at all, in one line', () => {
    expect(problemsOf([])).toEqual([
      'the world must be a JSON object with the sections organizations, users, spaces, memberships, posts, comments, reactions, got []',
    ]);
    expect(problemsOf({ users: {} })).toEqual(['users must be a list, got {}']);
    expect(problemsOf({ users: [42] })).toEqual(['users[0]: must be an object, got 42']);
  });

  it('says how many more problems follow the first, in one line', () => {
    const w = world();
    w.users[0].clearance = 9;
    w.users[1].clearance = 9;
    expect(() => validateWorld(w)).toThrow(
      'users[0] (key "hana"): clearance must be a whole number from 0 to 4, got 9 (and 1 more problem)',
    );
  });

  it('reports a key shared by two types as <type>:<key>, never bare', () => {
    const w = world();
    w.posts[0].key = 'bob';
    w.comments[0].post = 'bob';
    const { ids } = validateWorld(w);
    expect(ids['user:bob']).toBe(worldId('user', 'bob'));
    expect(ids['post:bob']).toBe(worldId('post', 'bob'));
    expect(ids.bob).toBeUndefined();
  });

  it('reads reactions to a post or to a comment (its post implied), and refuses anything else', () => {
    const w = world();
    w.reactions = [
      { post: 'p1', author: 'hana', emoji: '+1', createdAt: '2026-01-03T09:00:00Z' },
      { comment: 'c1', author: 'bob', emoji: 'merci' },
    ];
    const v = validateWorld(w);
    expect(v.reactions).toEqual([
      expect.objectContaining({ postId: worldId('post', 'p1'), commentId: null, authorId: worldId('user', 'hana') }),
      expect.objectContaining({ postId: worldId('post', 'p1'), commentId: worldId('comment', 'c1'), emoji: 'merci' }),
    ]);
    w.reactions = [
      { post: 'p1', comment: 'c1', author: 'hana', emoji: '+1' },
      { author: 'hana', emoji: '+1' },
      { comment: 'nope', author: 'hana', emoji: '+1' },
      { post: 'p1', author: 'hana', emoji: ' ' },
      { post: 'p1', author: 'bob', emoji: '+1' },
      { post: 'p1', author: 'bob', emoji: '+1' },
    ];
    expect(problemsOf(w)).toEqual([
      'reactions[0] (author "hana"): give exactly one of post and comment',
      'reactions[1] (author "hana"): give exactly one of post and comment',
      'reactions[2] (author "hana"): comment "nope" is not defined',
      'reactions[3] (author "hana"): emoji is required (a non-empty string), got " "',
      `reactions[5] (author "bob"): id "${worldId('reaction', `${worldId('post', 'p1')}/${worldId('user', 'bob')}/+1`)}" is already used by reactions[4] (author "bob")`,
    ]);
  });

  it("reads a space's risk map, each entry checked like the rest", () => {
    const w = world();
    w.spaces[0].risks = [
      { key: 'leak', description: 'Leak', probability: 2, impact: 3, owner: 'hana', mitigation: 'NDA' },
      { description: 'Delay', probability: 1, impact: 1, status: 'CLOSED' },
    ];
    const v = validateWorld(w);
    expect(v.risks).toEqual([
      expect.objectContaining({
        id: worldId('risk', 'lab/leak'),
        spaceId: worldId('space', 'lab'),
        impact: 3,
        ownerId: worldId('user', 'hana'),
        status: 'OPEN',
      }),
      expect.objectContaining({ id: worldId('risk', 'lab/1'), ownerId: null, mitigation: '', status: 'CLOSED' }),
    ]);
    w.spaces[0].risks = [{ description: '', probability: 5, impact: 1, owner: 'zoe', status: 'GONE', colour: 'red' }];
    expect(problemsOf(w)).toEqual([
      'spaces[0] (key "lab").risks[0]: owner "zoe" is not defined',
      'spaces[0] (key "lab").risks[0]: description is required (a non-empty string), got ""',
      'spaces[0] (key "lab").risks[0]: probability must be a whole number from 0 to 4, got 5',
      'spaces[0] (key "lab").risks[0]: status must be one of OPEN, MITIGATED, CLOSED, got "GONE"',
    ]);
    expect(() => validateWorld({ ...world(), spaces: [{ ...world().spaces[0], risks: {} }] })).toThrow(
      'risks must be a list',
    );
  });

  it('reads instants relative to the import, and a bio', () => {
    const w = world();
    w.comments[0].createdAt = '-P1W2DT3H30M';
    w.posts[0].createdAt = '-P10D';
    w.users[0].bio = '  Runs the lab.  ';
    const v = validateWorld(w, new Date('2026-06-17T12:00:00Z'));
    expect(v.comments[0]).toMatchObject({ createdAt: new Date('2026-06-08T08:30:00Z'), createdAtRelative: true });
    expect(v.posts[0]).toMatchObject({ createdAt: new Date('2026-06-07T12:00:00Z'), createdAtRelative: true });
    expect(v.users[0].bio).toBe('Runs the lab.');
    expect(v.users[1].bio).toBeUndefined();
    w.posts[0].createdAt = '-P';
    expect(problemsOf(w)).toEqual([expect.stringContaining('posts[0] (key "p1"): createdAt must be an ISO 8601')]);
  });
});
