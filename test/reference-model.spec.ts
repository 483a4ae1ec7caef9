// Pins every clause of DESIGN.md section 2 on small hand-written worlds, each with a
// counter-example, so that the reference model can be trusted by the property test.

import fc from 'fast-check';
import {
  ExpectedView,
  IMPORT_DEFAULT_EXPIRY,
  ReferenceModel,
  diffFacts,
  expectedView,
  factKey,
} from './support/reference-model';
import { buildWorld, worldArbitrary, WORLD_BASE_TIME } from './support/world.arbitrary';
import type { Level, World, WorldMembership, WorldPost, WorldUser } from './support/world.types';

const NOW = new Date('2027-01-04T09:00:00.000Z');
const at = (minutesFromNow: number): string => new Date(NOW.getTime() + minutesFromNow * 60_000).toISOString();

function user(key: string, organization: string, over: Partial<WorldUser> = {}): WorldUser {
  return {
    key,
    organization,
    email: `${key}@${organization}.example`,
    displayName: `Name ${key}`,
    clearance: 4,
    status: 'ACTIVE',
    roles: [],
    skills: [],
    ...over,
  };
}

function member(u: string, space: string, over: Partial<WorldMembership> = {}): WorldMembership {
  return { user: u, space, role: 'MEMBER', status: 'ACTIVE', ...over };
}

let postSeq = 0;
function post(key: string, space: string, author: string, over: Partial<WorldPost> = {}): WorldPost {
  postSeq += 1;
  return {
    key,
    space,
    author,
    title: `Title ${key}`,
    body: `Body ${key}`,
    label: 0,
    hidden: false,
    createdAt: at(-1000 + postSeq),
    ...over,
  };
}

/**
 * host (cap 4), partner A (cap 2), partner B (cap 4), client C (cap 4, SUSPENDED).
 * Spaces: open (OPEN, 0), hub (HUB, 0), high (OPEN, 3), lone (OPEN, 0, archived, nobody in it).
 */
function baseWorld(): World {
  return {
    organizations: [
      { key: 'H', name: 'Host', kind: 'HOST', domains: ['h.example'], clearanceCap: 4, status: 'ACTIVE' },
      { key: 'A', name: 'Partner A', kind: 'PARTNER', domains: ['a.example'], clearanceCap: 2, status: 'ACTIVE' },
      { key: 'B', name: 'Partner B', kind: 'PARTNER', domains: ['b.example'], clearanceCap: 4, status: 'ACTIVE' },
      { key: 'C', name: 'Client C', kind: 'CLIENT', domains: ['c.example'], clearanceCap: 4, status: 'SUSPENDED' },
    ],
    users: [
      user('hAdmin', 'H', { roles: ['HOST_ADMIN'] }),
      user('hReviewer', 'H', { roles: ['SECURITY_REVIEWER'] }),
      user('hOwner', 'H'),
      user('hLoner', 'H', { clearance: 1 }),
      user('a1', 'A'),
      user('a2', 'A', { clearance: 1, roles: ['PARTNER_ADMIN'] }),
      user('aOff', 'A', { status: 'DISABLED' }),
      user('b1', 'B', { clearance: 3 }),
      user('c1', 'C'),
    ],
    spaces: [
      { key: 'open', name: 'Open', purpose: 'p', classification: 0, status: 'ACTIVE', partnerVisibility: 'OPEN' },
      { key: 'hub', name: 'Hub', purpose: 'p', classification: 0, status: 'PILOT', partnerVisibility: 'HUB' },
      { key: 'high', name: 'High', purpose: 'p', classification: 3, status: 'ACTIVE', partnerVisibility: 'OPEN' },
      { key: 'lone', name: 'Lone', purpose: 'p', classification: 0, status: 'ARCHIVED', partnerVisibility: 'OPEN' },
    ],
    memberships: [],
    posts: [],
    comments: [],
  };
}

function viewsOf(world: World, now = NOW): Map<string, ExpectedView> {
  return expectedView(world, now);
}

function view(world: World, userKey: string, now = NOW): ExpectedView {
  const v = viewsOf(world, now).get(userKey);
  if (!v) throw new Error(`no user ${userKey}`);
  return v;
}

describe('reference model of DESIGN.md section 2', () => {
  describe('who counts', () => {
    it('a DISABLED user, or a user of a SUSPENDED organisation, reads nothing at all', () => {
      const w = baseWorld();
      w.memberships.push(member('aOff', 'open'), member('c1', 'open'), member('a1', 'open'));
      w.posts.push(post('p', 'open', 'hOwner'));
      for (const k of ['aOff', 'c1']) {
        const v = view(w, k);
        expect(v.authenticates).toBe(false);
        expect(v.facts.size).toBe(0);
        expect(v.users).toEqual([]);
        expect(v.organizations).toEqual([]);
      }
      // Counter-example: an active user of an active organisation reads.
      const a1 = view(w, 'a1');
      expect(a1.authenticates).toBe(true);
      expect(a1.posts).toEqual(['p']);
    });

    it('a suspended host admin reads nothing either', () => {
      const w = baseWorld();
      w.users[0].status = 'DISABLED';
      expect(view(w, 'hAdmin').authenticates).toBe(false);
      expect(view(w, 'hReviewer').spaces).toHaveLength(4);
    });
  });

  describe('active memberships', () => {
    it.each<{ name: string; over: Partial<WorldMembership>; active: boolean }>([
      { name: 'ACTIVE without expiry', over: {}, active: true },
      { name: 'SUSPENDED', over: { status: 'SUSPENDED' }, active: false },
      { name: 'REVOKED', over: { status: 'REVOKED' }, active: false },
      {
        name: 'expiring one millisecond after now',
        over: { expiresAt: new Date(NOW.getTime() + 1).toISOString() },
        active: true,
      },
      { name: 'expiring exactly now', over: { expiresAt: NOW.toISOString() }, active: false },
      {
        name: 'expired one millisecond ago',
        over: { expiresAt: new Date(NOW.getTime() - 1).toISOString() },
        active: false,
      },
    ])('a membership $name is active: $active', ({ over, active }) => {
      const w = baseWorld();
      w.memberships.push(member('b1', 'open', over));
      expect(view(w, 'b1').spaces).toEqual(active ? ['open'] : []);
    });

    it('needs effective clearance = min(clearance, clearanceCap) ≥ classification', () => {
      const w = baseWorld();
      // a1: clearance 4 capped to 2 by A; b1: clearance 3, cap 4; hLoner: clearance 1.
      w.memberships.push(member('a1', 'high'), member('b1', 'high'), member('hLoner', 'high'));
      const m = new ReferenceModel(w, NOW);
      expect(m.effectiveClearance(m.user('a1'))).toBe(2);
      expect(m.effectiveClearance(m.user('b1'))).toBe(3);
      expect(view(w, 'a1').spaces).toEqual([]);
      expect(view(w, 'hLoner').spaces).toEqual([]);
      expect(view(w, 'b1').spaces).toEqual(['high']);
    });

    it('shows an omitted expiry as none for host members and as the import default for externals', () => {
      const w = baseWorld();
      w.memberships.push(
        member('hOwner', 'open', { role: 'OWNER' }),
        member('a1', 'open'),
        member('b1', 'open', { expiresAt: at(60) }),
      );
      const f = view(w, 'hOwner').facts;
      expect(f.get(factKey({ type: 'Membership', id: 'open/hOwner', field: 'expiresAt' }))?.value).toBeNull();
      expect(f.get(factKey({ type: 'Membership', id: 'open/a1', field: 'expiresAt' }))?.value).toBe(
        IMPORT_DEFAULT_EXPIRY,
      );
      expect(f.get(factKey({ type: 'Membership', id: 'open/b1', field: 'expiresAt' }))?.value).toBe(at(60));
      expect(f.get(factKey({ type: 'Membership', id: 'open/b1', field: 'role' }))?.value).toBe('MEMBER');
      expect(f.get(factKey({ type: 'Membership', id: 'open/b1', field: 'user' }))?.value).toBe('b1');
    });
  });

  describe('spaces', () => {
    it('are seen through an active membership, or by HOST_ADMIN and SECURITY_REVIEWER', () => {
      const w = baseWorld();
      w.memberships.push(member('a1', 'hub'));
      expect(view(w, 'a1').spaces).toEqual(['hub']);
      expect(view(w, 'hAdmin').spaces).toEqual(['high', 'hub', 'lone', 'open']);
      expect(view(w, 'hReviewer').spaces).toEqual(['high', 'hub', 'lone', 'open']);
      // Counter-examples: a host user without role or membership, a PARTNER_ADMIN.
      expect(view(w, 'hLoner').spaces).toEqual([]);
      expect(view(w, 'a2').spaces).toEqual([]);
    });

    it('are readable whatever their status, with their fields', () => {
      const w = baseWorld();
      w.memberships.push(member('b1', 'lone'));
      const v = view(w, 'b1');
      expect(v.spaces).toEqual(['lone']);
      expect(v.facts.get(factKey({ type: 'Space', id: 'lone', field: 'status' }))?.value).toBe('ARCHIVED');
      expect(v.facts.get(factKey({ type: 'Space', id: 'lone', field: 'classification' }))?.value).toBe(0);
    });

    it('are not seen through an expired membership', () => {
      const w = baseWorld();
      w.memberships.push(member('b1', 'open', { expiresAt: at(10) }));
      expect(view(w, 'b1').spaces).toEqual(['open']);
      expect(view(w, 'b1', new Date(Date.parse(at(10)))).spaces).toEqual([]);
    });
  });

  describe('members', () => {
    function membersWorld(): World {
      const w = baseWorld();
      w.memberships.push(
        member('hOwner', 'open', { role: 'OWNER' }),
        member('a1', 'open'),
        member('b1', 'open'),
        member('aOff', 'open'),
        member('a2', 'open', { expiresAt: at(-1) }),
        member('c1', 'open'),
        member('hOwner', 'hub', { role: 'OWNER' }),
        member('a1', 'hub'),
        member('a2', 'hub'),
        member('b1', 'hub'),
      );
      return w;
    }

    it('lists active members who count', () => {
      const v = view(membersWorld(), 'b1');
      // aOff is disabled, c1's organisation is suspended, a2's membership expired.
      expect(v.spaceMembers.get('open')).toEqual(['a1', 'b1', 'hOwner']);
      expect(v.facts.get(factKey({ type: 'Space', id: 'open', field: 'members.totalCount' }))?.value).toBe(3);
    });

    it('applies the HUB rule to an external viewer only', () => {
      const w = membersWorld();
      expect(view(w, 'a1').spaceMembers.get('hub')).toEqual(['a1', 'a2', 'hOwner']);
      expect(view(w, 'b1').spaceMembers.get('hub')).toEqual(['b1', 'hOwner']);
      expect(view(w, 'hOwner').spaceMembers.get('hub')).toEqual(['a1', 'a2', 'b1', 'hOwner']);
      // Counter-example: in an OPEN space, competing partners see each other.
      expect(view(w, 'a1').spaceMembers.get('open')).toContain('b1');
    });

    it('are listed to overseers without a membership, and not to others', () => {
      const w = membersWorld();
      expect(view(w, 'hReviewer').spaceMembers.get('hub')).toEqual(['a1', 'a2', 'b1', 'hOwner']);
      expect(view(w, 'hLoner').spaceMembers.get('hub')).toBeUndefined();
    });
  });

  describe('posts', () => {
    it('need an active membership, whatever the role: administering is not reading', () => {
      const w = baseWorld();
      w.memberships.push(member('b1', 'open'), member('a1', 'open', { status: 'SUSPENDED' }));
      w.posts.push(post('p', 'open', 'hOwner'));
      expect(view(w, 'b1').posts).toEqual(['p']);
      expect(view(w, 'a1').posts).toEqual([]);
      expect(view(w, 'hAdmin').posts).toEqual([]);
      expect(view(w, 'hReviewer').posts).toEqual([]);
      expect(view(w, 'hAdmin').spacePosts.get('open')).toEqual([]);
    });

    it('need label ≤ effective clearance', () => {
      const w = baseWorld();
      w.memberships.push(member('a1', 'open'), member('b1', 'open'));
      w.posts.push(
        post('l2', 'open', 'hOwner', { label: 2 }),
        post('l3', 'open', 'hOwner', { label: 3 }),
        post('l4', 'open', 'hOwner', { label: 4 }),
      );
      expect(view(w, 'a1').posts).toEqual(['l2']); // clearance 4 capped at 2
      expect(view(w, 'b1').posts).toEqual(['l2', 'l3']);
    });

    it('hide hidden posts except from OWNER and ANIMATOR', () => {
      const w = baseWorld();
      w.users.push(user('hAnim', 'H'), user('hObs', 'H'));
      w.memberships.push(
        member('hOwner', 'open', { role: 'OWNER' }),
        member('hAnim', 'open', { role: 'ANIMATOR' }),
        member('hObs', 'open', { role: 'OBSERVER' }),
        member('b1', 'open'),
        member('hAdmin', 'hub', { role: 'OWNER', expiresAt: at(-5) }),
      );
      w.posts.push(
        post('shown', 'open', 'b1'),
        post('hidden', 'open', 'b1', { hidden: true }),
        post('hh', 'hub', 'b1', { hidden: true }),
      );
      expect(view(w, 'hOwner').posts).toEqual(['hidden', 'shown']);
      expect(view(w, 'hAnim').posts).toEqual(['hidden', 'shown']);
      expect(view(w, 'hObs').posts).toEqual(['shown']);
      expect(view(w, 'b1').posts).toEqual(['shown']);
      // An OWNER role on an expired membership reads nothing.
      expect(view(w, 'hAdmin').posts).toEqual([]);
    });

    it('in a HUB space, show an external reader only posts by the host or their organisation', () => {
      const w = baseWorld();
      w.memberships.push(member('a1', 'hub'), member('b1', 'hub'), member('hOwner', 'hub', { role: 'OWNER' }));
      w.posts.push(
        post('byHost', 'hub', 'hOwner'),
        post('byA', 'hub', 'a2'),
        post('byB', 'hub', 'b1'),
        post('byC', 'hub', 'c1'),
      );
      expect(view(w, 'a1').posts).toEqual(['byA', 'byHost']);
      expect(view(w, 'b1').posts).toEqual(['byB', 'byHost']);
      expect(view(w, 'hOwner').posts).toEqual(['byA', 'byB', 'byC', 'byHost']);
      // Counter-example: the same posts in an OPEN space.
      const open = baseWorld();
      open.memberships.push(member('a1', 'open'));
      open.posts.push(post('byB', 'open', 'b1'), post('byC', 'open', 'c1'));
      expect(view(open, 'a1').posts).toEqual(['byB', 'byC']);
    });

    it('stay readable when their author left the space or no longer counts', () => {
      const w = baseWorld();
      w.memberships.push(member('b1', 'open'));
      w.posts.push(post('byOff', 'open', 'aOff'), post('byC', 'open', 'c1'));
      const v = view(w, 'b1');
      expect(v.posts).toEqual(['byC', 'byOff']);
      expect(v.users).toEqual(['aOff', 'b1', 'c1']);
      expect(v.facts.get(factKey({ type: 'Post', id: 'byOff', field: 'author' }))?.value).toBe('aOff');
    });

    it('are listed per space newest first, with their count', () => {
      const w = baseWorld();
      w.memberships.push(member('b1', 'open'));
      w.posts.push(
        post('old', 'open', 'b1', { createdAt: at(-30) }),
        post('new', 'open', 'b1', { createdAt: at(-10) }),
        post('hid', 'open', 'b1', { createdAt: at(-5), hidden: true }),
      );
      const v = view(w, 'b1');
      expect(v.spacePosts.get('open')).toEqual(['new', 'old']);
      expect(v.facts.get(factKey({ type: 'Space', id: 'open', field: 'posts.totalCount' }))?.value).toBe(2);
    });
  });

  describe('comments and counts', () => {
    function commentWorld(): World {
      const w = baseWorld();
      w.memberships.push(member('a1', 'hub'), member('b1', 'hub'), member('hOwner', 'hub', { role: 'OWNER' }));
      w.posts.push(post('p', 'hub', 'hOwner'), post('pB', 'hub', 'b1'), post('pH', 'hub', 'hOwner', { hidden: true }));
      const c = (key: string, p: string, author: string): World['comments'][number] => ({
        key,
        post: p,
        author,
        body: `Body ${key}`,
        createdAt: at(-1),
      });
      w.comments.push(
        c('cH', 'p', 'hOwner'),
        c('cA', 'p', 'a2'),
        c('cB', 'p', 'b1'),
        c('cOnB', 'pB', 'hOwner'),
        c('cOnHidden', 'pH', 'hOwner'),
      );
      return w;
    }

    it('follow their post', () => {
      const w = commentWorld();
      expect(view(w, 'a1').comments).toEqual(['cA', 'cH']); // not cOnB: pB is unreadable to a1
      expect(view(w, 'hOwner').comments).toEqual(['cA', 'cB', 'cH', 'cOnB', 'cOnHidden']);
      expect(view(w, 'b1').comments).not.toContain('cOnHidden');
    });

    it('in a HUB space, show an external reader only comments by the host or their organisation', () => {
      const w = commentWorld();
      expect(view(w, 'b1').postComments.get('p')).toEqual(['cB', 'cH']);
      // Counter-example: in an OPEN space, every comment of a readable post shows.
      w.spaces[1].partnerVisibility = 'OPEN';
      expect(view(w, 'b1').postComments.get('p')).toEqual(['cA', 'cB', 'cH']);
    });

    it('count only what the reader sees', () => {
      const w = commentWorld();
      const get = (u: string, field: string): unknown =>
        view(w, u).facts.get(factKey({ type: 'Post', id: 'p', field }))?.value;
      expect(get('a1', 'commentCount')).toBe(2);
      expect(get('a1', 'comments.totalCount')).toBe(2);
      expect(get('hOwner', 'commentCount')).toBe(3);
      expect(get('a1', 'reactions.totalCount')).toBe(0);
      expect(view(w, 'a1').facts.get(factKey({ type: 'Comment', id: 'cA', field: 'author' }))?.value).toBe('a2');
    });
  });

  describe('the feed', () => {
    it('is every readable post across spaces, createdAt desc then id desc', () => {
      const w = baseWorld();
      w.memberships.push(member('hOwner', 'open', { role: 'OWNER' }), member('hOwner', 'high', { role: 'ANIMATOR' }));
      w.posts.push(
        post('p1', 'open', 'b1', { id: '00000000-0000-4000-8000-00000000000a', createdAt: at(-10) }),
        post('p2', 'high', 'b1', { id: '00000000-0000-4000-8000-00000000000b', createdAt: at(-10), label: 3 }),
        post('p3', 'open', 'b1', { id: 'f0000000-0000-4000-8000-000000000000', createdAt: at(-20) }),
        post('p4', 'high', 'b1', {
          id: '10000000-0000-4000-8000-000000000000',
          createdAt: at(-1),
          hidden: true,
          label: 4,
        }),
        post('p5', 'lone', 'b1', { id: '20000000-0000-4000-8000-000000000000', createdAt: at(0) }),
      );
      expect(view(w, 'hOwner').feed).toEqual([
        '10000000-0000-4000-8000-000000000000',
        '00000000-0000-4000-8000-00000000000b',
        '00000000-0000-4000-8000-00000000000a',
        'f0000000-0000-4000-8000-000000000000',
      ]);
      // Counter-example: a plain member of the same space misses the hidden post.
      w.memberships.push(member('b1', 'high'));
      expect(view(w, 'b1').feed).toEqual(['00000000-0000-4000-8000-00000000000b']);
    });
  });

  describe('people', () => {
    it("sees oneself, one's organisation, and host users see host users", () => {
      const w = baseWorld();
      expect(view(w, 'a1').users).toEqual(['a1', 'a2', 'aOff']); // a disabled colleague stays visible
      expect(view(w, 'hLoner').users).toEqual(['hAdmin', 'hLoner', 'hOwner', 'hReviewer']);
      expect(view(w, 'b1').users).toEqual(['b1']);
    });

    it('overseers see everybody, whether they count or not', () => {
      const w = baseWorld();
      const all = w.users.map((u) => u.key).sort();
      expect(view(w, 'hAdmin').users).toEqual(all);
      expect(view(w, 'hReviewer').users).toEqual(all);
      expect(view(w, 'a2').users).toEqual(['a1', 'a2', 'aOff']); // PARTNER_ADMIN adds nothing
    });

    it('sees co-members who count in a common space, subject to the HUB rule', () => {
      const w = baseWorld();
      w.memberships.push(member('a1', 'open'), member('b1', 'open'), member('c1', 'open'));
      expect(view(w, 'a1').users).toContain('b1');
      expect(view(w, 'a1').users).not.toContain('c1'); // c1 does not count
      expect(view(w, 'b1').users).toContain('a1');
      const hub = baseWorld();
      hub.memberships.push(member('a1', 'hub'), member('b1', 'hub'), member('hLoner', 'hub'));
      expect(view(hub, 'a1').users).not.toContain('b1');
      expect(view(hub, 'hLoner').users).toContain('b1'); // the host sees everyone
      // Both memberships must be active.
      const lapsed = baseWorld();
      lapsed.memberships.push(member('a1', 'open'), member('b1', 'open', { expiresAt: at(-1) }));
      expect(view(lapsed, 'a1').users).not.toContain('b1');
      expect(view(lapsed, 'b1').users).not.toContain('a1');
    });

    it('sees the author of every post or comment one reads, and no other', () => {
      const w = baseWorld();
      w.memberships.push(member('a1', 'open'));
      w.posts.push(post('p', 'open', 'b1'), post('q', 'open', 'c1', { label: 4 }));
      w.comments.push({ key: 'c', post: 'p', author: 'c1', body: 'x', createdAt: at(0) });
      expect(view(w, 'a1').users).toEqual(['a1', 'a2', 'aOff', 'b1', 'c1']);
      // Counter-example: the comment's post becomes unreadable (label above a1's clearance).
      w.posts[0].label = 3;
      expect(view(w, 'a1').users).toEqual(['a1', 'a2', 'aOff']);
    });

    it('does not see a HUB comment author hidden by the HUB rule', () => {
      const w = baseWorld();
      w.memberships.push(member('a1', 'hub'));
      w.posts.push(post('p', 'hub', 'hOwner'));
      w.comments.push({ key: 'c', post: 'p', author: 'b1', body: 'x', createdAt: at(0) });
      expect(view(w, 'a1').posts).toEqual(['p']);
      expect(view(w, 'a1').users).not.toContain('b1');
    });
  });

  describe('emails', () => {
    it('shows emails only between host and anyone, or within an organisation', () => {
      const w = baseWorld();
      w.memberships.push(member('a1', 'open'), member('b1', 'open'), member('hOwner', 'open'));
      const email = (viewer: string, of: string): unknown =>
        view(w, viewer).facts.get(factKey({ type: 'User', id: of, field: 'email' }))?.value;
      expect(email('a1', 'b1')).toBeNull(); // a partner never sees another partner's address
      expect(email('a1', 'hOwner')).toBe('hOwner@H.example');
      expect(email('a1', 'a2')).toBe('a2@A.example');
      expect(email('hOwner', 'b1')).toBe('b1@B.example');
      expect(email('a1', 'c1')).toBeUndefined(); // not seen at all
    });
  });

  describe('organisations', () => {
    it("shows one's own, the host, and those of seen users; overseers see all", () => {
      const w = baseWorld();
      expect(view(w, 'b1').organizations).toEqual(['B', 'H']);
      w.memberships.push(member('a1', 'open'), member('b1', 'open'));
      expect(view(w, 'b1').organizations).toEqual(['A', 'B', 'H']);
      expect(view(w, 'hAdmin').organizations).toEqual(['A', 'B', 'C', 'H']);
      // An organisation without users is seen by overseers only.
      w.organizations.push({
        key: 'D',
        name: 'Empty',
        kind: 'CLIENT',
        domains: ['d.example'],
        clearanceCap: 1,
        status: 'ACTIVE',
      });
      expect(view(w, 'hReviewer').organizations).toEqual(['A', 'B', 'C', 'D', 'H']);
      expect(view(w, 'hLoner').organizations).toEqual(['H']);
      const f = view(w, 'b1').facts;
      expect(f.get(factKey({ type: 'Organization', id: 'A', field: 'kind' }))?.value).toBe('PARTNER');
      expect(f.get(factKey({ type: 'Organization', id: 'C', field: 'name' }))).toBeUndefined();
    });

    it('shows a suspended organisation through the author of a readable post', () => {
      const w = baseWorld();
      w.memberships.push(member('b1', 'open'));
      w.posts.push(post('p', 'open', 'c1'));
      expect(view(w, 'b1').organizations).toEqual(['B', 'C', 'H']);
    });
  });

  describe('consistency of a view on random worlds', () => {
    it('every referenced object is itself visible, and counts match lists', () => {
      fc.assert(
        fc.property(worldArbitrary(), fc.integer({ min: -2, max: 100 * 24 * 60 }), (world, minutes) => {
          const now = new Date(WORLD_BASE_TIME.getTime() + minutes * 60_000);
          for (const v of expectedView(world, now).values()) {
            if (!v.authenticates) {
              expect(v.facts.size).toBe(0);
              continue;
            }
            const users = new Set(v.users);
            const orgs = new Set(v.organizations);
            const spaces = new Set(v.spaces);
            expect(users.has(v.userId)).toBe(true);
            for (const f of v.facts.values()) {
              if (f.field === 'author' || f.field === 'user') expect(users.has(f.value as string)).toBe(true);
              if (f.type === 'User' && f.field === 'organization') expect(orgs.has(f.value as string)).toBe(true);
              if (f.type === 'Post' && f.field === 'space') expect(spaces.has(f.value as string)).toBe(true);
            }
            expect([...v.feed].sort()).toEqual(v.posts);
            expect(new Set(v.feed).size).toBe(v.feed.length);
          }
        }),
        { numRuns: 200 },
      );
    });

    it('buildWorld respects the generation rules', () => {
      fc.assert(
        fc.property(worldArbitrary(), (w) => {
          const host = w.organizations.filter((o) => o.kind === 'HOST');
          expect(host).toHaveLength(1);
          const hostKey = host[0].key;
          const ids = [...w.organizations, ...w.users, ...w.spaces, ...w.posts, ...w.comments].map((o) => o.id);
          expect(new Set(ids).size).toBe(ids.length);
          const emails = w.users.map((u) => u.email);
          expect(new Set(emails).size).toBe(emails.length);
          const domains = w.organizations.flatMap((o) => o.domains);
          expect(new Set(domains).size).toBe(domains.length);
          for (const u of w.users) {
            const org = w.organizations.find((o) => o.key === u.organization)!;
            expect(org.domains).toContain(u.email.split('@')[1]);
            expect(u.email).toBe(u.email.toLowerCase());
            if (u.organization !== hostKey) expect(u.roles.every((r) => r === 'PARTNER_ADMIN')).toBe(true);
            else expect(u.roles).not.toContain('PARTNER_ADMIN');
          }
          const pairs = new Set<string>();
          for (const m of w.memberships) {
            const u = w.users.find((x) => x.key === m.user)!;
            if (u.organization !== hostKey) expect(['MEMBER', 'OBSERVER']).toContain(m.role);
            expect(pairs.has(`${m.user}/${m.space}`)).toBe(false);
            pairs.add(`${m.user}/${m.space}`);
          }
          for (const p of w.posts) {
            const s = w.spaces.find((x) => x.key === p.space)!;
            expect(p.label).toBeGreaterThanOrEqual(s.classification);
            expect(p.label as Level).toBeLessThanOrEqual(4);
          }
        }),
        { numRuns: 200 },
      );
    });
  });

  describe('diffFacts', () => {
    it('reports missing, different and unexpected facts, and nothing for equal sets', () => {
      const w = baseWorld();
      w.memberships.push(member('a1', 'open'));
      const expected = view(w, 'a1').facts;
      expect(diffFacts(expected, new Map(expected))).toEqual([]);
      const actual = new Map(expected);
      const k = factKey({ type: 'Space', id: 'open', field: 'name' });
      actual.set(k, { ...expected.get(k)!, value: 'Other' });
      actual.delete(factKey({ type: 'User', id: 'a2', field: 'email' }));
      actual.set('User|b1|email', { type: 'User', id: 'b1', field: 'email', value: 'b1@B.example' });
      expect(diffFacts(expected, actual)).toEqual([
        'different Space|open|name expected "Open" actual "Other"',
        'missing   User|a2|email expected "a2@A.example"',
        'unexpected User|b1|email actual "b1@B.example"',
      ]);
    });
  });

  it('buildWorld is deterministic for given choices', () => {
    const ids = Array.from({ length: 80 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const choices = {
      host: { clearanceCap: 4 as Level, name: 'h' },
      orgs: [
        {
          kind: 'PARTNER' as const,
          status: 'ACTIVE' as const,
          clearanceCap: 1 as Level,
          extraDomain: false,
          name: 'p',
        },
      ],
      users: [
        {
          org: 1,
          clearance: 3 as Level,
          status: 'ACTIVE' as const,
          admin: true,
          reviewer: false,
          secondDomain: false,
          displayName: 'x',
          skills: [],
        },
      ],
      spaces: [
        {
          classification: 1 as Level,
          status: 'ACTIVE' as const,
          partnerVisibility: 'HUB' as const,
          name: 's',
          purpose: '',
        },
      ],
      memberships: [
        { user: 0, space: 0, role: 'OWNER' as const, status: 'ACTIVE' as const, expiry: { kind: 'omitted' as const } },
      ],
      posts: [],
      comments: [],
      ids,
    };
    const w = buildWorld(choices);
    expect(w.users[0].roles).toEqual(['PARTNER_ADMIN']);
    expect(w.memberships[0].role).toBe('MEMBER');
    expect(w.memberships[0].expiresAt).toBeUndefined();
    expect(buildWorld(choices)).toEqual(w);
  });
});
