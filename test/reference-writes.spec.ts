// Pins the reference write model (test/support/reference-writes.ts) to issue 8's text on a
// small hand-written world, so that the write property test can trust it.

import {
  Alternative,
  applyStep,
  fromImport,
  Step,
  Success,
  toReadWorld,
  WriteFacts,
  WriteWorld,
} from './support/reference-writes';
import { expectedView } from './support/reference-model';
import type { World } from './support/world.types';

const NOW = new Date('2027-01-04T09:00:00.000Z');
const DAY = 86_400_000;

/** host H; partners A (cap 3) and B (cap 3, HUB neighbour); client S (suspended). */
function world(): World {
  const u = (key: string, organization: string, over: object = {}) => ({
    key,
    organization,
    email: `${key}@${organization.toLowerCase()}.example`,
    displayName: key,
    clearance: 4 as const,
    status: 'ACTIVE' as const,
    roles: [] as Array<'HOST_ADMIN' | 'SECURITY_REVIEWER' | 'PARTNER_ADMIN'>,
    skills: [],
    ...over,
  });
  return {
    organizations: [
      { key: 'H', name: 'Host', kind: 'HOST', domains: ['h.example'], clearanceCap: 4, status: 'ACTIVE' },
      { key: 'A', name: 'Alpha', kind: 'PARTNER', domains: ['a.example'], clearanceCap: 3, status: 'ACTIVE' },
      { key: 'B', name: 'Beta', kind: 'PARTNER', domains: ['b.example'], clearanceCap: 3, status: 'ACTIVE' },
      { key: 'S', name: 'Gone', kind: 'CLIENT', domains: ['s.example'], clearanceCap: 4, status: 'SUSPENDED' },
    ],
    users: [
      u('admin', 'H', { roles: ['HOST_ADMIN'] }),
      u('owner', 'H'),
      u('owner2', 'H'),
      u('animator', 'H'),
      u('low', 'H', { clearance: 1 }),
      u('alice', 'A', { roles: ['PARTNER_ADMIN'] }),
      u('arno', 'A', { clearance: 2 }),
      u('bob', 'B'),
      u('sam', 'S'),
    ],
    spaces: [
      { key: 'lab', name: 'Lab', purpose: '', classification: 2, status: 'ACTIVE', partnerVisibility: 'HUB' },
      { key: 'old', name: 'Old', purpose: '', classification: 0, status: 'ARCHIVED', partnerVisibility: 'OPEN' },
    ],
    memberships: [
      { user: 'owner', space: 'lab', role: 'OWNER', status: 'ACTIVE' },
      { user: 'owner2', space: 'lab', role: 'OWNER', status: 'ACTIVE' },
      { user: 'animator', space: 'lab', role: 'ANIMATOR', status: 'ACTIVE' },
      { user: 'arno', space: 'lab', role: 'MEMBER', status: 'ACTIVE', expiresAt: at(10) },
      { user: 'bob', space: 'lab', role: 'MEMBER', status: 'ACTIVE', expiresAt: at(60) },
      { user: 'owner', space: 'old', role: 'OWNER', status: 'ACTIVE' },
    ],
    posts: [
      { key: 'p0', space: 'lab', author: 'owner', title: 't', body: 'b', label: 2, hidden: false, createdAt: at(-1) },
      { key: 'p3', space: 'lab', author: 'bob', title: 't', body: 'b', label: 3, hidden: false, createdAt: at(-2) },
    ],
    comments: [],
  };
}

function at(days: number): string {
  return new Date(NOW.getTime() + days * DAY).toISOString();
}

const start = (): WriteWorld => fromImport(world(), NOW);

function codes(alts: Alternative[]): string[] {
  return alts.map((a) => (a.kind === 'ok' ? 'ok' : `${a.code}${a.reason ? `/${a.reason}` : ''}`));
}

/** The one success, or a failure naming what the model said instead. */
function ok(alts: Alternative[]): WriteWorld {
  const s = alts.filter((a): a is Success => a.kind === 'ok');
  if (s.length !== 1) throw new Error(`expected one success, got ${codes(alts).join(' | ')}`);
  return s[0].world;
}

function run(w: WriteWorld, ...steps: Step[]): WriteWorld {
  return steps.reduce((acc, s) => ok(applyStep(acc, s)), w);
}

const invite = (over: Partial<Extract<Step, { op: 'inviteToSpace' }>> = {}): Step => ({
  op: 'inviteToSpace',
  caller: 'owner',
  space: 'lab',
  email: 'alice@a.example',
  role: 'MEMBER',
  ...over,
});

describe('reference write model', () => {
  it('imports: external grants expire after 90 days by default and are sponsored by the first host OWNER', () => {
    const w = fromImport(
      {
        ...world(),
        memberships: [...world().memberships, { user: 'alice', space: 'lab', role: 'MEMBER', status: 'ACTIVE' }],
      },
      NOW,
    );
    const g = w.grants.find((x) => x.user === 'alice')!;
    expect(g.expiresAt).toBe(at(90));
    expect(g.sponsor).toBe('owner');
    expect(w.grants.find((x) => x.user === 'owner')!.expiresAt).toBeNull();
  });

  it('createSpace: HOST_ADMIN, or a host user cleared for it; never an external; the creator is OWNER', () => {
    expect(
      codes(applyStep(start(), { op: 'createSpace', caller: 'low', input: { name: 'X', classification: 2 } })),
    ).toEqual(['FORBIDDEN']);
    expect(
      codes(applyStep(start(), { op: 'createSpace', caller: 'alice', input: { name: 'X', classification: 0 } })),
    ).toEqual(['FORBIDDEN']);
    expect(
      codes(applyStep(start(), { op: 'createSpace', caller: 'admin', input: { name: ' ', classification: 0 } })),
    ).toEqual(['BAD_USER_INPUT']);
    const w = ok(applyStep(start(), { op: 'createSpace', caller: 'low', input: { name: 'X', classification: 1 } }));
    const s = w.spaces[w.spaces.length - 1];
    expect(s).toMatchObject({ status: 'ACTIVE', partnerVisibility: 'OPEN', classification: 1 });
    expect(w.grants.find((g) => g.space === s.key)).toMatchObject({ user: 'low', role: 'OWNER', status: 'ACTIVE' });
  });

  it('updateSpace: raising relabels the posts below and suspends the members no longer cleared; lowering relabels nothing and restores them', () => {
    expect(
      codes(applyStep(start(), { op: 'updateSpace', caller: 'animator', space: 'lab', input: { classification: 3 } })),
    ).toEqual(['FORBIDDEN']);
    expect(
      codes(applyStep(start(), { op: 'updateSpace', caller: 'alice', space: 'lab', input: { classification: 3 } })),
    ).toEqual(['NOT_FOUND']);
    expect(
      codes(applyStep(start(), { op: 'updateSpace', caller: 'owner', space: 'old', input: { name: 'N' } })),
    ).toEqual(['CONFLICT/SPACE_ARCHIVED']);
    const alts = applyStep(start(), { op: 'updateSpace', caller: 'owner', space: 'lab', input: { classification: 3 } });
    const raised = ok(alts);
    expect(raised.posts.map((p) => p.label)).toEqual([3, 3]);
    expect(raised.grants.find((g) => g.user === 'arno')).toMatchObject({ status: 'SUSPENDED', cause: 'CLEARANCE' });
    expect((alts[0] as Success).answer).toMatchObject({
      relabelledPosts: 1,
      suspendedMemberships: { between: [1, 1] },
    });
    const lowered = run(raised, { op: 'updateSpace', caller: 'owner', space: 'lab', input: { classification: 1 } });
    expect(lowered.posts.map((p) => p.label)).toEqual([3, 3]);
    expect(lowered.grants.find((g) => g.user === 'arno')).toMatchObject({ status: 'ACTIVE', cause: null });
  });

  it('archive makes the space read-only for every write; reactivate undoes it', () => {
    const w = run(start(), { op: 'archiveSpace', caller: 'owner', space: 'lab' });
    expect(codes(applyStep(w, invite()))).toEqual(['CONFLICT/SPACE_ARCHIVED']);
    expect(codes(applyStep(w, { op: 'archiveSpace', caller: 'owner', space: 'lab' }))).toEqual([
      'CONFLICT/SPACE_ARCHIVED',
    ]);
    // Reads do not change: members still see it.
    expect(expectedView(toReadWorld(w), NOW).get('arno')!.spaces).toEqual(['lab']);
    expect(run(w, { op: 'reactivateSpace', caller: 'admin', space: 'lab' }).spaces[0].status).toBe('ACTIVE');
  });

  it('inviteToSpace: leaders only; known and active domains; externals MEMBER/OBSERVER, 90 days by default, 365 at most; four eyes from 2', () => {
    expect(codes(applyStep(start(), invite({ caller: 'arno' })))).toEqual(['FORBIDDEN']);
    expect(codes(applyStep(start(), invite({ caller: 'admin' })))).toEqual(['FORBIDDEN']);
    expect(codes(applyStep(start(), invite({ email: 'x@nowhere.example' })))).toEqual([
      'BAD_USER_INPUT/UNKNOWN_DOMAIN',
    ]);
    expect(codes(applyStep(start(), invite({ email: 'sam@s.example' })))).toEqual(['CONFLICT/ORGANIZATION_SUSPENDED']);
    expect(codes(applyStep(start(), invite({ role: 'ANIMATOR' })))).toEqual(['BAD_USER_INPUT/EXTERNAL_ROLE']);
    expect(codes(applyStep(start(), invite({ expiresInDays: 366 })))).toEqual(['BAD_USER_INPUT/EXPIRY_TOO_LATE']);
    expect(codes(applyStep(start(), invite({ organization: 'A' })))).toEqual(['BAD_USER_INPUT']);
    const w = ok(applyStep(start(), invite()));
    expect(w.invitations[0]).toMatchObject({
      status: 'PENDING_APPROVAL',
      role: 'MEMBER',
      membershipExpiresAt: at(90),
      expiresAt: at(14),
      sponsor: 'owner',
      organization: 'A',
    });
    // A host invitee needs no approval and no expiry.
    expect(ok(applyStep(start(), invite({ email: 'low@h.example', role: 'ANIMATOR' }))).invitations[0]).toMatchObject({
      status: 'PENDING',
      membershipExpiresAt: null,
    });
  });

  it('approve: a second OWNER or a HOST_ADMIN, never the inviter; accept: the invitee only, once, while pending', () => {
    const w = ok(applyStep(start(), invite()));
    const key = w.invitations[0].key;
    expect(codes(applyStep(w, { op: 'approveInvitation', caller: 'owner', invitation: key }))).toEqual([
      'FORBIDDEN/SELF_APPROVAL',
    ]);
    expect(codes(applyStep(w, { op: 'approveInvitation', caller: 'animator', invitation: key }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(applyStep(w, { op: 'acceptInvitation', caller: 'alice', invitation: key }))).toEqual(['CONFLICT']);
    const approved = run(w, { op: 'approveInvitation', caller: 'owner2', invitation: key });
    // The wrong email in the right organisation, the right email's neighbour elsewhere: invisible.
    expect(codes(applyStep(approved, { op: 'acceptInvitation', caller: 'arno', invitation: key }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(codes(applyStep(approved, { op: 'acceptInvitation', caller: 'bob', invitation: key }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(codes(applyStep(approved, { op: 'acceptInvitation', caller: 'owner', invitation: key }))).toEqual([
      'FORBIDDEN/NOT_INVITEE',
    ]);
    const accepted = run(approved, { op: 'acceptInvitation', caller: 'alice', invitation: key });
    expect(accepted.grants.find((g) => g.user === 'alice')).toMatchObject({
      role: 'MEMBER',
      status: 'ACTIVE',
      expiresAt: at(90),
      sponsor: 'owner',
    });
    expect(codes(applyStep(accepted, { op: 'acceptInvitation', caller: 'alice', invitation: key }))).toEqual([
      'CONFLICT',
      'CONFLICT/ALREADY_MEMBER',
    ]);
    // HUB: bob sees alice nowhere.
    const views = expectedView(toReadWorld(accepted), NOW);
    expect(views.get('owner')!.spaceMembers.get('lab')).toContain('alice');
    expect(views.get('bob')!.spaceMembers.get('lab')).not.toContain('alice');
    expect(views.get('bob')!.users).not.toContain('alice');
  });

  it('acceptance after revocation or expiry is refused', () => {
    const w = ok(applyStep(start(), invite({ email: 'admin@h.example' })));
    const key = w.invitations[0].key;
    const revoked = run(w, { op: 'revokeInvitation', caller: 'owner', invitation: key, reason: 'no' });
    expect(codes(applyStep(revoked, { op: 'acceptInvitation', caller: 'admin', invitation: key }))).toEqual([
      'CONFLICT',
    ]);
    const later = run(w, { op: 'clock', days: 14 });
    expect(codes(applyStep(later, { op: 'acceptInvitation', caller: 'admin', invitation: key }))).toEqual([
      'CONFLICT/INVITATION_EXPIRED',
    ]);
    expect(new WriteFacts(later).openInvitations(later.users.find((u) => u.key === 'admin')!).must).toEqual([]);
  });

  it('the last OWNER cannot leave, be demoted or be revoked', () => {
    const w = run(start(), { op: 'leaveSpace', caller: 'owner2', space: 'lab' });
    expect(codes(applyStep(w, { op: 'leaveSpace', caller: 'owner', space: 'lab' }))).toEqual(['CONFLICT/LAST_OWNER']);
    expect(
      codes(
        applyStep(w, { op: 'revokeMembership', caller: 'admin', grant: { user: 'owner', space: 'lab' }, reason: 'x' }),
      ),
    ).toEqual(['CONFLICT/LAST_OWNER']);
    expect(
      codes(
        applyStep(w, {
          op: 'updateMembership',
          caller: 'owner',
          grant: { user: 'owner', space: 'lab' },
          role: 'MEMBER',
        }),
      ),
    ).toEqual(['CONFLICT/LAST_OWNER']);
    expect(codes(applyStep(start(), { op: 'leaveSpace', caller: 'owner', space: 'lab' }))).toEqual(['ok']);
  });

  it('memberships: animators manage members only; externals stay MEMBER/OBSERVER within 365 days', () => {
    const arno = { user: 'arno', space: 'lab' };
    expect(
      codes(
        applyStep(start(), {
          op: 'revokeMembership',
          caller: 'animator',
          grant: { user: 'owner', space: 'lab' },
          reason: 'x',
        }),
      ),
    ).toEqual(['FORBIDDEN']);
    expect(codes(applyStep(start(), { op: 'updateMembership', caller: 'owner', grant: arno, role: 'OWNER' }))).toEqual([
      'BAD_USER_INPUT/EXTERNAL_ROLE',
    ]);
    expect(
      codes(applyStep(start(), { op: 'extendMembership', caller: 'animator', grant: arno, untilDays: 366 })),
    ).toEqual(['BAD_USER_INPUT/EXPIRY_TOO_LATE']);
    expect(
      ok(applyStep(start(), { op: 'extendMembership', caller: 'animator', grant: arno, untilDays: 365 })).grants.find(
        (g) => g.user === 'arno',
      )!.expiresAt,
    ).toBe(at(365));
    // bob (HUB neighbour) cannot even see arno's grant.
    expect(codes(applyStep(start(), { op: 'revokeMembership', caller: 'bob', grant: arno, reason: 'x' }))).toEqual([
      'NOT_FOUND',
    ]);
  });

  it('suspending an organisation ends its grants and invitations; reactivation restores only what has not expired', () => {
    const w = ok(applyStep(start(), invite()));
    expect(
      codes(applyStep(w, { op: 'suspendOrganization', caller: 'owner2', organization: 'A', reason: 'x' })),
    ).toEqual(['FORBIDDEN']);
    expect(codes(applyStep(w, { op: 'suspendOrganization', caller: 'admin', organization: 'H', reason: 'x' }))).toEqual(
      ['FORBIDDEN/HOST_ORGANIZATION'],
    );
    // owner sponsors arno's grant (first host OWNER of lab).
    const suspended = run(w, { op: 'suspendOrganization', caller: 'owner', organization: 'A', reason: 'incident' });
    expect(suspended.invitations[0].status).toBe('REVOKED');
    expect(suspended.grants.find((g) => g.user === 'arno')).toMatchObject({
      status: 'SUSPENDED',
      cause: 'ORGANIZATION_SUSPENDED',
    });
    expect(expectedView(toReadWorld(suspended), NOW).get('arno')!.authenticates).toBe(false);
    const later = run(suspended, { op: 'clock', days: 11 });
    const back = run(later, { op: 'reactivateOrganization', caller: 'admin', organization: 'A' });
    expect(back.grants.find((g) => g.user === 'arno')!.status).toBe('EXPIRED');
    expect(back.invitations[0].status).toBe('REVOKED');
    const soon = run(
      suspended,
      { op: 'clock', days: 1 },
      { op: 'reactivateOrganization', caller: 'admin', organization: 'A' },
    );
    expect(soon.grants.find((g) => g.user === 'arno')!.status).toBe('ACTIVE');
  });

  it('disableUser and updateUser: who may, never oneself, within the cap; clearance changes re-evaluate grants', () => {
    expect(codes(applyStep(start(), { op: 'disableUser', caller: 'alice', user: 'alice', reason: 'x' }))).toEqual([
      'FORBIDDEN/SELF_DISABLE',
    ]);
    expect(codes(applyStep(start(), { op: 'disableUser', caller: 'alice', user: 'bob', reason: 'x' }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(codes(applyStep(start(), { op: 'updateUser', caller: 'alice', user: 'arno', clearance: 4 }))).toEqual([
      'BAD_USER_INPUT/ABOVE_ORGANIZATION_CAP',
    ]);
    const lowered = run(start(), { op: 'updateUser', caller: 'alice', user: 'arno', clearance: 1 });
    expect(lowered.grants.find((g) => g.user === 'arno')).toMatchObject({ status: 'SUSPENDED', cause: 'CLEARANCE' });
    const disabled = run(start(), { op: 'disableUser', caller: 'alice', user: 'arno', reason: 'left' });
    expect(disabled.grants.find((g) => g.user === 'arno')).toMatchObject({
      status: 'SUSPENDED',
      cause: 'USER_DISABLED',
    });
    expect(
      run(disabled, { op: 'enableUser', caller: 'alice', user: 'arno' }).grants.find((g) => g.user === 'arno')!.status,
    ).toBe('ACTIVE');
  });

  it('nobody who does not count acts', () => {
    expect(codes(applyStep(start(), { op: 'leaveSpace', caller: 'sam', space: 'lab' }))).toEqual(['UNAUTHENTICATED']);
  });
});
