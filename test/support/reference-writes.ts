// An independent reference model of the write path (issue 8), written from DESIGN.md
// sections 1 and 2 and the text only: plain TypeScript over a world in the import
// format, grown with what writes record (grant statuses and their causes, sponsors,
// invitations) and a `now`. No CASL, no SQL, nothing shared with the gateway.
//
// `applyStep(world, step)` answers, for one mutation by one caller, every outcome the text
// allows: a refusal kind (with its reason where the text or the shared error codes fix it),
// or a new world. Where the text is silent the model lists each defensible outcome (each
// marked "silent"), and the property test accepts whichever the gateway chose, then goes on
// from the world that choice leads to. Reads are judged by the read-side reference model
// (reference-model.ts) applied to `toReadWorld(world)`.

import { ReferenceModel } from './reference-model';
import type {
  Level,
  MembershipRole,
  PartnerVisibility,
  SpaceStatus,
  World,
  WorldComment,
  WorldOrganization,
  WorldPost,
  WorldSpace,
  WorldUser,
} from './world.types';

export const DAY_MS = 86_400_000;
export const EXTERNAL_DEFAULT_DAYS = 90;
export const EXTERNAL_MAX_DAYS = 365;
export const INVITATION_TTL_DAYS = 14;
export const FOUR_EYES_CLASSIFICATION = 2;

export type GrantStatus = 'ACTIVE' | 'SUSPENDED' | 'REVOKED' | 'EXPIRED' | 'LEFT';
export type SuspensionCause = 'CLEARANCE' | 'ORGANIZATION_SUSPENDED' | 'USER_DISABLED';
export type InvitationStatus =
  'PENDING_APPROVAL' | 'PENDING' | 'ACCEPTED' | 'DECLINED' | 'REVOKED' | 'EXPIRED' | 'REJECTED';

/** A grant: user × space. `cause` is set while SUSPENDED, when the model knows it. */
export interface Grant {
  id?: string;
  user: string;
  space: string;
  role: MembershipRole;
  status: GrantStatus;
  /** ISO instant, or null: no expiry (host members). */
  expiresAt: string | null;
  /** Key of the internal sponsor; null when none is known (imported grants, moved sponsorships). */
  sponsor: string | null;
  cause: SuspensionCause | null;
}

export interface ModelInvitation {
  key: string;
  id?: string;
  space: string;
  /** Lower-cased; null for a whole-organisation invitation. */
  email: string | null;
  organization: string;
  wholeOrganization: boolean;
  role: MembershipRole;
  status: InvitationStatus;
  membershipExpiresAt: string | null;
  /** When the invitation itself lapses unanswered. */
  expiresAt: string;
  invitedBy: string;
  sponsor: string | null;
  /** Users who answered a whole-organisation invitation (it stays open for the others). */
  acceptedBy: string[];
  declinedBy: string[];
}

export interface WriteWorld {
  now: string;
  organizations: WorldOrganization[];
  users: WorldUser[];
  spaces: Array<WorldSpace & { before?: SpaceStatus }>;
  grants: Grant[];
  posts: WorldPost[];
  comments: WorldComment[];
  invitations: ModelInvitation[];
  /** Counters for the keys of created objects. */
  seq: number;
}

export type RefusalCode = 'UNAUTHENTICATED' | 'NOT_FOUND' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'CONFLICT';

export interface Refusal {
  kind: 'refused';
  code: RefusalCode;
  /** The precise reason (GraphQL `extensions.reason`) where the text or the shared codes fix it. */
  reason?: string;
  why: string;
}

export interface Success {
  kind: 'ok';
  world: WriteWorld;
  why: string;
  /** Tells apart several successes the text allows, from the mutation's answer. */
  matches?: (data: any) => boolean;
  /** Keys of the objects the mutation created, to be bound to the ids the API returns. */
  created?: { space?: string; invitation?: string };
  /** Values the answer must carry (compared when present); `{ between: [lo, hi] }` for a range. */
  answer?: Record<string, unknown>;
}

export type Alternative = Refusal | Success;

// ---------------------------------------------------------------------------------------
// Steps: one mutation by one caller (keys, not ids; `missing` stands for an id nobody has).

export const MISSING = '<missing>';

export type Step =
  | { op: 'clock'; days: number }
  | {
      op: 'createSpace';
      caller: string;
      input: {
        name: string;
        purpose?: string;
        classification: number;
        status?: SpaceStatus;
        partnerVisibility?: PartnerVisibility;
      };
    }
  | {
      op: 'updateSpace';
      caller: string;
      space: string;
      input: { name?: string; classification?: number; status?: SpaceStatus; partnerVisibility?: PartnerVisibility };
    }
  | { op: 'archiveSpace' | 'reactivateSpace'; caller: string; space: string }
  | {
      op: 'inviteToSpace';
      caller: string;
      space: string;
      email?: string;
      organization?: string;
      role: MembershipRole;
      /** Days from now (may be fractional or negative); omitted: the default. */
      expiresInDays?: number;
      sponsor?: string;
    }
  | { op: 'approveInvitation' | 'acceptInvitation' | 'declineInvitation'; caller: string; invitation: string }
  | { op: 'rejectInvitation' | 'revokeInvitation'; caller: string; invitation: string; reason: string }
  | {
      op: 'updateMembership';
      caller: string;
      grant: GrantRef;
      role?: MembershipRole;
      expiresInDays?: number;
    }
  | { op: 'extendMembership' | 'renewMembership'; caller: string; grant: GrantRef; untilDays: number }
  | { op: 'revokeMembership'; caller: string; grant: GrantRef; reason: string }
  | { op: 'leaveSpace'; caller: string; space: string }
  | { op: 'suspendOrganization'; caller: string; organization: string; reason: string }
  | { op: 'reactivateOrganization'; caller: string; organization: string }
  | { op: 'disableUser'; caller: string; user: string; reason: string }
  | { op: 'enableUser'; caller: string; user: string }
  | { op: 'updateUser'; caller: string; user: string; clearance: number };

/** A grant by its member and space; `{ missing: true }` for an id nobody has. */
export type GrantRef = { user: string; space: string } | { missing: true };

// ---------------------------------------------------------------------------------------
// The world, to and from the import format.

/** The model's world right after importing `world` at `now` (import defaults made explicit). */
export function fromImport(world: World, now: Date): WriteWorld {
  const hostKey = world.organizations.find((o) => o.kind === 'HOST')!.key;
  const orgOf = new Map(world.users.map((u) => [u.key, u.organization]));
  const copy = JSON.parse(JSON.stringify(world)) as World;
  // The import format: an external grant's sponsor defaults to the space's first host OWNER in the file.
  const firstOwner = new Map<string, string>();
  for (const m of world.memberships)
    if (orgOf.get(m.user) === hostKey && m.role === 'OWNER' && !firstOwner.has(m.space))
      firstOwner.set(m.space, m.user);
  return {
    now: now.toISOString(),
    organizations: copy.organizations,
    users: copy.users,
    spaces: copy.spaces,
    grants: copy.memberships.map((m) => ({
      user: m.user,
      space: m.space,
      role: m.role,
      status: m.status,
      // An external member imported without an expiry gets 90 days from the import.
      expiresAt:
        m.expiresAt ??
        (orgOf.get(m.user) === hostKey ? null : new Date(now.getTime() + EXTERNAL_DEFAULT_DAYS * DAY_MS).toISOString()),
      sponsor: orgOf.get(m.user) === hostKey ? null : (firstOwner.get(m.space) ?? null),
      cause: null,
    })),
    posts: copy.posts,
    comments: copy.comments,
    invitations: [],
    seq: 0,
  };
}

/** The world the read-side reference model judges: grants that ended are just not ACTIVE. */
export function toReadWorld(w: WriteWorld): World {
  return {
    organizations: w.organizations,
    users: w.users,
    spaces: w.spaces.map(({ before: _before, ...s }) => s),
    memberships: w.grants.map((g) => ({
      user: g.user,
      space: g.space,
      role: g.role,
      status: g.status === 'ACTIVE' ? 'ACTIVE' : g.status === 'SUSPENDED' ? 'SUSPENDED' : 'REVOKED',
      ...(g.expiresAt ? { expiresAt: g.expiresAt } : {}),
    })),
    posts: w.posts,
    comments: w.comments,
  };
}

function clone(w: WriteWorld): WriteWorld {
  return JSON.parse(JSON.stringify(w)) as WriteWorld;
}

// ---------------------------------------------------------------------------------------
// Facts about a world at its `now`, named after the text.

export class WriteFacts {
  readonly read: ReferenceModel;
  readonly now: Date;
  readonly host: WorldOrganization;

  constructor(readonly w: WriteWorld) {
    this.now = new Date(w.now);
    this.read = new ReferenceModel(toReadWorld(w), this.now);
    this.host = this.read.hostOrg;
  }

  user(key: string): WorldUser | undefined {
    return this.w.users.find((u) => u.key === key);
  }
  org(key: string): WorldOrganization | undefined {
    return this.w.organizations.find((o) => o.key === key);
  }
  space(key: string): WorldSpace | undefined {
    return this.w.spaces.find((s) => s.key === key);
  }
  grant(user: string, space: string): Grant | undefined {
    return this.w.grants.find((g) => g.user === user && g.space === space);
  }
  invitation(key: string): ModelInvitation | undefined {
    return this.w.invitations.find((i) => i.key === key);
  }

  isHost(u: WorldUser): boolean {
    return u.organization === this.host.key;
  }
  counts(u: WorldUser): boolean {
    return this.read.counts(u);
  }
  clearance(u: WorldUser): number {
    return this.read.effectiveClearance(u);
  }
  isAdmin(u: WorldUser): boolean {
    return this.isHost(u) && u.roles.includes('HOST_ADMIN');
  }
  isOverseer(u: WorldUser): boolean {
    return this.read.isOverseer(u);
  }
  expired(g: Grant): boolean {
    return g.expiresAt !== null && this.now.getTime() >= Date.parse(g.expiresAt);
  }
  /** DESIGN 2: ACTIVE, not expired, member cleared for the space. */
  active(g: Grant): boolean {
    const u = this.user(g.user)!;
    const s = this.space(g.space)!;
    return g.status === 'ACTIVE' && !this.expired(g) && this.clearance(u) >= s.classification;
  }
  activeRole(u: WorldUser, s: WorldSpace): MembershipRole | null {
    const g = this.grant(u.key, s.key);
    return g && this.active(g) ? g.role : null;
  }
  isOwner(u: WorldUser, s: WorldSpace): boolean {
    return this.activeRole(u, s) === 'OWNER';
  }
  leads(u: WorldUser, s: WorldSpace): boolean {
    const r = this.activeRole(u, s);
    return r === 'OWNER' || r === 'ANIMATOR';
  }
  seesSpace(u: WorldUser, s: WorldSpace): boolean {
    return this.read.seesSpace(u, s);
  }
  /** A member list shows the grant: the caller sees the space, the grant is active, its member counts, HUB allows. */
  seesGrant(u: WorldUser, g: Grant): boolean {
    const v = this.user(g.user)!;
    const s = this.space(g.space)!;
    return this.seesSpace(u, s) && this.active(g) && this.counts(v) && this.read.hubAllows(u, s, v);
  }
  /** Owners who still hold the space: active OWNER grants of members who count. */
  owners(s: WorldSpace): WorldUser[] {
    return this.w.grants
      .filter((g) => g.space === s.key && g.role === 'OWNER' && this.active(g))
      .map((g) => this.user(g.user)!)
      .filter((v) => this.counts(v));
  }
  /** The organisation whose verified domains hold the email's domain. */
  orgOfEmail(email: string): WorldOrganization | undefined {
    const domain = email.split('@')[1];
    return this.w.organizations.find((o) => o.domains.includes(domain));
  }
  invitationLapsed(i: ModelInvitation): boolean {
    return this.now.getTime() >= Date.parse(i.expiresAt);
  }
  isInvitee(u: WorldUser, i: ModelInvitation): boolean {
    if (u.organization !== i.organization) return false;
    return i.wholeOrganization || (i.email !== null && u.email.toLowerCase() === i.email);
  }
  /** Who sees an invitation: its invitee, its inviter, the space's leaders, the overseers. */
  seesInvitation(u: WorldUser, i: ModelInvitation): boolean {
    if (!this.counts(u)) return false;
    const s = this.space(i.space)!;
    return this.isOverseer(u) || this.leads(u, s) || i.invitedBy === u.key || this.isInvitee(u, i);
  }
  /**
   * myInvitations: `must` are the open invitations U may accept now; `may` adds those U could
   * not accept at the moment (the text does not say whether they still show).
   */
  openInvitations(u: WorldUser): { must: string[]; may: string[] } {
    const must: string[] = [];
    const may: string[] = [];
    if (!this.counts(u)) return { must, may };
    for (const i of this.w.invitations) {
      if (i.status !== 'PENDING' || this.invitationLapsed(i) || !this.isInvitee(u, i)) continue;
      if (i.wholeOrganization && (i.acceptedBy.includes(u.key) || i.declinedBy.includes(u.key))) continue;
      const g = this.grant(u.key, i.space);
      const s = this.space(i.space)!;
      // Silent: whether an invitation that cannot be accepted now (space archived, the user not
      // cleared yet, a grant already held) still shows.
      if (
        (i.wholeOrganization && g) ||
        (g && this.active(g)) ||
        s.status === 'ARCHIVED' ||
        this.clearance(u) < s.classification
      )
        may.push(i.key);
      else must.push(i.key);
    }
    return { must, may: [...must, ...may] };
  }
}

// ---------------------------------------------------------------------------------------
// Outcomes.

const refuse = (code: RefusalCode, why: string, reason?: string): Refusal => ({ kind: 'refused', code, why, reason });

/** Value refusals found together: the text gives them no order, so any one of them may answer. */
class Violations {
  readonly hard: Refusal[] = [];
  /** Refusals the text neither requires nor forbids (the success stays possible). */
  readonly silent: Refusal[] = [];
  add(code: RefusalCode, why: string, reason?: string): void {
    this.hard.push(refuse(code, why, reason));
  }
  maybe(code: RefusalCode, why: string, reason?: string): void {
    this.silent.push(refuse(code, `silent: ${why}`, reason));
  }
  /** The answer: the hard refusals if any, else the success; the silent refusals beside either. */
  outcome(success: () => Success | Success[]): Alternative[] {
    if (this.hard.length) return [...this.hard, ...this.silent];
    const ok = success();
    return [...(Array.isArray(ok) ? ok : [ok]), ...this.silent];
  }
}

const addDays = (now: Date, days: number): string => new Date(now.getTime() + days * DAY_MS).toISOString();
const validLevel = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 4;

// ---------------------------------------------------------------------------------------
// The steps.

/** Every outcome the text allows for `step` on `w`. */
export function applyStep(w: WriteWorld, step: Step): Alternative[] {
  if (step.op === 'clock') {
    const next = clone(w);
    next.now = addDays(new Date(w.now), step.days);
    return [{ kind: 'ok', world: next, why: `the clock moves ${step.days} days` }];
  }
  const f = new WriteFacts(w);
  const caller = f.user(step.caller);
  if (!caller) throw new Error(`unknown caller ${step.caller}`);
  // DESIGN 2: a user who does not count reads nothing, writes nothing: not authenticated.
  if (!f.counts(caller)) return [refuse('UNAUTHENTICATED', 'the caller does not count')];
  switch (step.op) {
    case 'createSpace':
      return createSpace(f, caller, step.input);
    case 'updateSpace':
      return updateSpace(f, caller, step.space, step.input);
    case 'archiveSpace':
    case 'reactivateSpace':
      return archiveOrReactivate(f, caller, step.space, step.op === 'archiveSpace');
    case 'inviteToSpace':
      return inviteToSpace(f, caller, step);
    case 'approveInvitation':
    case 'rejectInvitation':
      return decideInvitation(f, caller, step.invitation, step.op === 'approveInvitation');
    case 'revokeInvitation':
      return revokeInvitation(f, caller, step.invitation);
    case 'acceptInvitation':
    case 'declineInvitation':
      return answerInvitation(f, caller, step.invitation, step.op === 'acceptInvitation');
    case 'updateMembership':
      return changeGrant(f, caller, step.grant, 'update', { role: step.role, expiresInDays: step.expiresInDays });
    case 'extendMembership':
      return changeGrant(f, caller, step.grant, 'extend', { untilDays: step.untilDays });
    case 'renewMembership':
      return changeGrant(f, caller, step.grant, 'renew', { untilDays: step.untilDays });
    case 'revokeMembership':
      return revokeGrant(f, caller, step.grant);
    case 'leaveSpace':
      return leaveSpace(f, caller, step.space);
    case 'suspendOrganization':
      return suspendOrganization(f, caller, step.organization);
    case 'reactivateOrganization':
      return reactivateOrganization(f, caller, step.organization);
    case 'disableUser':
      return disableUser(f, caller, step.user);
    case 'enableUser':
      return enableUser(f, caller, step.user);
    case 'updateUser':
      return updateUser(f, caller, step.user, step.clearance);
  }
}

// Issue 8 item 1: HOST_ADMIN, or host users with clearance ≥ the classification; the creator becomes OWNER.
function createSpace(
  f: WriteFacts,
  caller: WorldUser,
  input: Extract<Step, { op: 'createSpace' }>['input'],
): Alternative[] {
  const shape: string[] = [];
  if (!input.name.trim()) shape.push('an empty name');
  if (!validLevel(input.classification)) shape.push(`classification ${input.classification}`);
  if (input.status === 'ARCHIVED') shape.push('a space is not created archived');
  const allowed = f.isAdmin(caller) || (f.isHost(caller) && f.clearance(caller) >= input.classification);
  if (!allowed) {
    // Shape errors may be refused before anyone asks who calls (input validation).
    return [
      refuse('FORBIDDEN', 'only HOST_ADMIN or a host user cleared for the classification creates a space'),
      ...(shape.length ? [refuse('BAD_USER_INPUT', shape.join(', '))] : []),
    ];
  }
  if (shape.length) return [refuse('BAD_USER_INPUT', shape.join(', '))];
  const next = clone(f.w);
  next.seq += 1;
  const key = `space-new-${next.seq}`;
  next.spaces.push({
    key,
    name: input.name.trim(),
    purpose: input.purpose ?? '',
    classification: input.classification as Level,
    status: input.status ?? 'ACTIVE',
    partnerVisibility: input.partnerVisibility ?? 'OPEN',
  });
  next.grants.push({
    user: caller.key,
    space: key,
    role: 'OWNER',
    status: 'ACTIVE',
    expiresAt: null,
    sponsor: null,
    cause: null,
  });
  return [
    {
      kind: 'ok',
      world: next,
      why: 'space created, its creator OWNER',
      created: { space: key },
      answer: {
        classification: input.classification,
        status: input.status ?? 'ACTIVE',
        partnerVisibility: input.partnerVisibility ?? 'OPEN',
      },
    },
  ];
}

/** NOT_FOUND for a space the caller does not see, exactly like a missing one. */
function visibleSpace(f: WriteFacts, caller: WorldUser, key: string): WorldSpace | Refusal {
  const s = key === MISSING ? undefined : f.space(key);
  if (!s || !f.seesSpace(caller, s))
    return refuse('NOT_FOUND', s ? 'the caller does not see the space' : 'no such space');
  return s;
}

/** Re-evaluation after a change of clearance or classification: the status records what the rule reads. */
function reevaluate(w: WriteWorld, which: (g: Grant) => boolean): { suspended: number; restored: number } {
  const f = new WriteFacts(w);
  let suspended = 0;
  let restored = 0;
  for (const g of w.grants) {
    if (!which(g)) continue;
    const cleared = f.clearance(f.user(g.user)!) >= f.space(g.space)!.classification;
    if (g.status === 'ACTIVE' && !cleared) {
      g.status = 'SUSPENDED';
      g.cause = 'CLEARANCE';
      suspended += 1;
    } else if (g.status === 'SUSPENDED' && g.cause === 'CLEARANCE' && cleared && !f.expired(g)) {
      g.status = 'ACTIVE';
      g.cause = null;
      restored += 1;
    }
  }
  return { suspended, restored };
}

// Issue 8 item 1: OWNER or HOST_ADMIN; raising relabels posts below and suspends uncleared grants.
function updateSpace(
  f: WriteFacts,
  caller: WorldUser,
  key: string,
  input: Extract<Step, { op: 'updateSpace' }>['input'],
): Alternative[] {
  const s = visibleSpace(f, caller, key);
  if ('kind' in s) return [s];
  if (!f.isAdmin(caller) && !f.isOwner(caller, s)) return [refuse('FORBIDDEN', 'only an OWNER or HOST_ADMIN')];
  const v = new Violations();
  if (s.status === 'ARCHIVED') v.add('CONFLICT', 'the space is archived', 'SPACE_ARCHIVED');
  if (input.name !== undefined && !input.name.trim()) v.add('BAD_USER_INPUT', 'an empty name');
  if (input.classification !== undefined && !validLevel(input.classification))
    v.add('BAD_USER_INPUT', `classification ${input.classification}`);
  if (input.status === 'ARCHIVED') v.add('BAD_USER_INPUT', 'archiving is archiveSpace');
  const to = input.classification ?? s.classification;
  const changes =
    (input.name !== undefined && input.name.trim() !== s.name) ||
    (input.classification !== undefined && input.classification !== s.classification) ||
    (input.status !== undefined && input.status !== s.status) ||
    (input.partnerVisibility !== undefined && input.partnerVisibility !== s.partnerVisibility);
  if (!changes) v.maybe('BAD_USER_INPUT', 'an update that changes nothing');
  if (!f.isAdmin(caller) && to > f.clearance(caller))
    v.maybe('FORBIDDEN', 'an OWNER raising the space above their own clearance would lock themselves out');
  return v.outcome(() => {
    const next = clone(f.w);
    const t = next.spaces.find((x) => x.key === s.key)!;
    const from = t.classification;
    if (input.name !== undefined) t.name = input.name.trim();
    if (input.status !== undefined) t.status = input.status;
    if (input.partnerVisibility !== undefined) t.partnerVisibility = input.partnerVisibility;
    t.classification = to as Level;
    let relabelled = 0;
    if (to > from) {
      for (const p of next.posts)
        if (p.space === s.key && p.label < to) {
          p.label = to as Level;
          relabelled += 1;
        }
    }
    // Lowering changes no label; the grants suspended for clearance alone come back.
    const { suspended } = to !== from ? reevaluate(next, (g) => g.space === s.key) : { suspended: 0 };
    // At least the grants that were active and no longer are; at most every ACTIVE status it changed
    // (grants already lapsed, or imported ACTIVE though never cleared, may be counted too).
    const after = new WriteFacts(next);
    const lost = f.w.grants.filter(
      (g) => g.space === s.key && f.active(g) && !after.active(after.grant(g.user, g.space)!),
    ).length;
    const stale = f.w.grants.filter(
      (g) => g.space === s.key && g.status === 'ACTIVE' && f.clearance(f.user(g.user)!) < to,
    ).length;
    return {
      kind: 'ok',
      world: next,
      why: `space updated (classification ${from} → ${to})`,
      answer: {
        relabelledPosts: relabelled,
        suspendedMemberships: { between: [lost, Math.max(lost, suspended, stale)] },
        classification: to,
      },
    };
  });
}

// Issue 8 item 1: archived is read-only for everyone, nothing deleted; reactivateSpace undoes it.
function archiveOrReactivate(f: WriteFacts, caller: WorldUser, key: string, archive: boolean): Alternative[] {
  const s = visibleSpace(f, caller, key);
  if ('kind' in s) return [s];
  if (!f.isAdmin(caller) && !f.isOwner(caller, s)) return [refuse('FORBIDDEN', 'only an OWNER or HOST_ADMIN')];
  if (archive && s.status === 'ARCHIVED') return [refuse('CONFLICT', 'already archived', 'SPACE_ARCHIVED')];
  if (!archive && s.status !== 'ARCHIVED') return [refuse('CONFLICT', 'not archived', 'SPACE_NOT_ARCHIVED')];
  const next = clone(f.w);
  const t = next.spaces.find((x) => x.key === s.key)!;
  if (archive) {
    t.before = t.status;
    t.status = 'ARCHIVED';
    return [{ kind: 'ok', world: next, why: 'archived', answer: { status: 'ARCHIVED' } }];
  }
  // silent: back to ACTIVE, or to the PILOT it was before archiving.
  const statuses: SpaceStatus[] = t.before === 'PILOT' ? ['ACTIVE', 'PILOT'] : ['ACTIVE'];
  return statuses.map((status) => {
    const n = clone(next);
    const x = n.spaces.find((y) => y.key === s.key)!;
    x.status = status;
    delete x.before;
    return { kind: 'ok', world: n, why: `reactivated as ${status}`, matches: (d: any) => d?.status === status };
  });
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

// Issue 8 item 2.
function inviteToSpace(f: WriteFacts, caller: WorldUser, step: Extract<Step, { op: 'inviteToSpace' }>): Alternative[] {
  const s = visibleSpace(f, caller, step.space);
  if ('kind' in s) return [s];
  if (!f.leads(caller, s)) return [refuse('FORBIDDEN', 'only the space OWNERs and ANIMATORs invite')];
  const v = new Violations();
  if (s.status === 'ARCHIVED') v.add('CONFLICT', 'the space is archived', 'SPACE_ARCHIVED');
  const byEmail = step.email !== undefined;
  const byOrg = step.organization !== undefined;
  let target: WorldOrganization | undefined;
  const email = step.email?.trim().toLowerCase();
  if (byEmail === byOrg) v.add('BAD_USER_INPUT', 'exactly one of email and organizationId');
  else if (email !== undefined) {
    if (!EMAIL.test(email)) v.add('BAD_USER_INPUT', 'not an email address');
    else {
      target = f.orgOfEmail(email);
      // No open links, ever: the domain belongs to a registered organisation.
      if (!target) v.add('BAD_USER_INPUT', `no organisation owns ${email.split('@')[1]}`, 'UNKNOWN_DOMAIN');
    }
  } else {
    target = step.organization === MISSING ? undefined : f.org(step.organization!);
    if (!target) return [refuse('NOT_FOUND', 'no such organisation')];
    // An organisation the caller does not see is answered as a missing one.
    if (!f.read.seesOrganization(caller, target)) return [refuse('NOT_FOUND', 'the caller does not see it')];
    if (target.kind === 'HOST') {
      // By whole partner organisation (issue 8): the host is not one; which refusal is silent.
      v.add('BAD_USER_INPUT', 'whole-organisation invitations are for partners and clients');
      v.add('FORBIDDEN', 'whole-organisation invitations are for partners and clients');
    }
  }
  if (target && target.status !== 'ACTIVE')
    v.add('CONFLICT', 'the organisation is suspended', 'ORGANIZATION_SUSPENDED');
  const external = target !== undefined && target.kind !== 'HOST';
  const invitee = email !== undefined ? f.w.users.find((u) => u.email.toLowerCase() === email) : undefined;
  let membershipExpiresAt: string | null = null;
  if (step.expiresInDays !== undefined) {
    membershipExpiresAt = addDays(f.now, step.expiresInDays);
    if (step.expiresInDays <= 0) v.add('BAD_USER_INPUT', 'an expiry in the past');
    else if (external && step.expiresInDays > EXTERNAL_MAX_DAYS)
      v.add('BAD_USER_INPUT', 'an external grant lasts 365 days at most', 'EXPIRY_TOO_LATE');
  } else if (external) membershipExpiresAt = addDays(f.now, EXTERNAL_DEFAULT_DAYS);
  if (external && (step.role === 'OWNER' || step.role === 'ANIMATOR'))
    v.add('BAD_USER_INPUT', 'an external user is MEMBER or OBSERVER only', 'EXTERNAL_ROLE');
  let sponsor: string | null = null;
  if (step.sponsor !== undefined) {
    const sp = step.sponsor === MISSING ? undefined : f.user(step.sponsor);
    // The sponsor is internal: an active host user.
    if (!sp || !f.isHost(sp) || !f.counts(sp)) v.add('BAD_USER_INPUT', 'the sponsor must be an active host user');
    sponsor = sp?.key ?? null;
  } else if (external) sponsor = caller.key;
  // Sponsors are for external grants (DESIGN 1); whether naming one for a host invitee is refused is silent.
  if (step.sponsor !== undefined && target && !external)
    v.maybe('BAD_USER_INPUT', 'a sponsor is named only for an external invitee');
  if ((step.role === 'OWNER' || step.role === 'ANIMATOR') && !f.isOwner(caller, s))
    v.maybe('FORBIDDEN', 'an ANIMATOR inviting as OWNER or ANIMATOR');
  if (invitee) {
    const g = f.grant(invitee.key, s.key);
    if (g && f.active(g)) v.maybe('CONFLICT', 'the invitee is already a member');
    if (f.clearance(invitee) < s.classification) v.maybe('BAD_USER_INPUT', 'the invitee could never be admitted');
  }
  if (target && Math.min(target.clearanceCap, 4) < s.classification)
    v.maybe('BAD_USER_INPUT', "the organisation's cap is below the classification");
  const open = f.w.invitations.some(
    (i) =>
      i.space === s.key &&
      (i.status === 'PENDING' || i.status === 'PENDING_APPROVAL') &&
      !f.invitationLapsed(i) &&
      (byEmail ? i.email === email : i.wholeOrganization && i.organization === target?.key),
  );
  if (open) v.maybe('CONFLICT', 'an open invitation exists already');
  return v.outcome(() => {
    const next = clone(f.w);
    next.seq += 1;
    const key = `inv-${next.seq}`;
    // Four eyes: an external invitation to a space classified 2 or above waits for approval.
    const status: InvitationStatus =
      external && s.classification >= FOUR_EYES_CLASSIFICATION ? 'PENDING_APPROVAL' : 'PENDING';
    next.invitations.push({
      key,
      space: s.key,
      email: byEmail ? email! : null,
      organization: target!.key,
      wholeOrganization: byOrg,
      role: step.role,
      status,
      membershipExpiresAt,
      expiresAt: addDays(f.now, INVITATION_TTL_DAYS),
      invitedBy: caller.key,
      sponsor,
      acceptedBy: [],
      declinedBy: [],
    });
    return { kind: 'ok', world: next, why: `invitation ${status}`, created: { invitation: key }, answer: { status } };
  });
}

/** NOT_FOUND for an invitation the caller does not see, like a missing one. */
function visibleInvitation(f: WriteFacts, caller: WorldUser, key: string): ModelInvitation | Refusal {
  const i = key === MISSING ? undefined : f.invitation(key);
  if (!i || !f.seesInvitation(caller, i))
    return refuse('NOT_FOUND', i ? 'the caller does not see the invitation' : 'no such invitation');
  return i;
}

function invitationStateConflict(f: WriteFacts, i: ModelInvitation, wanted: InvitationStatus[]): Refusal | null {
  if (!wanted.includes(i.status)) return refuse('CONFLICT', `the invitation is ${i.status}`);
  if (f.invitationLapsed(i)) return refuse('CONFLICT', 'the invitation expired unanswered', 'INVITATION_EXPIRED');
  return null;
}

// Issue 8 item 2, four eyes: a second OWNER of the space or a HOST_ADMIN; never the inviter.
function decideInvitation(f: WriteFacts, caller: WorldUser, key: string, approve: boolean): Alternative[] {
  const i = visibleInvitation(f, caller, key);
  if ('kind' in i) return [i];
  const s = f.space(i.space)!;
  if (i.invitedBy === caller.key && (f.isAdmin(caller) || f.isOwner(caller, s)))
    return [refuse('FORBIDDEN', 'the inviter cannot approve their own invitation', 'SELF_APPROVAL')];
  if (!f.isAdmin(caller) && !f.isOwner(caller, s))
    return [refuse('FORBIDDEN', 'a second OWNER or a HOST_ADMIN decides')];
  const v = new Violations();
  if (s.status === 'ARCHIVED') v.add('CONFLICT', 'the space is archived', 'SPACE_ARCHIVED');
  const state = invitationStateConflict(f, i, ['PENDING_APPROVAL']);
  if (state) v.hard.push(state);
  return v.outcome(() => {
    const next = clone(f.w);
    next.invitations.find((x) => x.key === i.key)!.status = approve ? 'PENDING' : 'REJECTED';
    return { kind: 'ok', world: next, why: approve ? 'approved' : 'rejected' };
  });
}

// Issue 8 item 2: the inviter, the space's OWNERs or a HOST_ADMIN revoke an open invitation.
function revokeInvitation(f: WriteFacts, caller: WorldUser, key: string): Alternative[] {
  const i = visibleInvitation(f, caller, key);
  if ('kind' in i) return [i];
  const s = f.space(i.space)!;
  if (!f.isAdmin(caller) && !f.isOwner(caller, s) && i.invitedBy !== caller.key)
    return [refuse('FORBIDDEN', 'the inviter, an OWNER or a HOST_ADMIN revokes')];
  const v = new Violations();
  if (s.status === 'ARCHIVED') v.add('CONFLICT', 'the space is archived', 'SPACE_ARCHIVED');
  if (i.status !== 'PENDING' && i.status !== 'PENDING_APPROVAL') v.add('CONFLICT', `the invitation is ${i.status}`);
  else if (f.invitationLapsed(i)) v.maybe('CONFLICT', 'revoking an invitation that lapsed unanswered');
  return v.outcome(() => {
    const next = clone(f.w);
    next.invitations.find((x) => x.key === i.key)!.status = 'REVOKED';
    return { kind: 'ok', world: next, why: 'revoked' };
  });
}

// Issue 8 item 2, after sign-in: the signed-in email matches and the user's organisation is
// the invited one; accepting creates the membership with the invitation's role and expiry.
function answerInvitation(f: WriteFacts, caller: WorldUser, key: string, accept: boolean): Alternative[] {
  const i = visibleInvitation(f, caller, key);
  if ('kind' in i) return [i];
  if (!f.isInvitee(caller, i)) return [refuse('FORBIDDEN', 'only the invitee answers', 'NOT_INVITEE')];
  const s = f.space(i.space)!;
  const v = new Violations();
  if (s.status === 'ARCHIVED') v.add('CONFLICT', 'the space is archived', 'SPACE_ARCHIVED');
  if (i.status === 'PENDING_APPROVAL' && !accept) v.maybe('CONFLICT', 'declining before the approval');
  const state = invitationStateConflict(f, i, accept ? ['PENDING'] : ['PENDING', 'PENDING_APPROVAL']);
  if (state) v.hard.push(state);
  if (i.wholeOrganization && (i.acceptedBy.includes(caller.key) || i.declinedBy.includes(caller.key)))
    v.add('CONFLICT', 'this user answered the organisation invitation already');
  const g = f.grant(caller.key, s.key);
  const expiry = i.membershipExpiresAt;
  if (accept) {
    if (g && f.active(g)) v.add('CONFLICT', 'already a member', 'ALREADY_MEMBER');
    else if (g && g.status === 'ACTIVE' && !f.expired(g))
      v.maybe('CONFLICT', 'an ACTIVE grant the member is not cleared for');
    // DESIGN 1: admitted only to a space classified at most the user's effective clearance.
    if (f.clearance(caller) < s.classification) {
      v.add('BAD_USER_INPUT', 'the user is not cleared for the space', 'INVITEE_NOT_CLEARED');
      v.add('FORBIDDEN', 'the user is not cleared for the space');
    }
    if (expiry !== null && Date.parse(expiry) <= f.now.getTime())
      v.maybe('BAD_USER_INPUT', "the invitation's grant would already be expired");
  }
  return v.outcome(() => {
    const next = clone(f.w);
    const inv = next.invitations.find((x) => x.key === i.key)!;
    if (!accept) {
      if (inv.wholeOrganization) inv.declinedBy.push(caller.key);
      else inv.status = 'DECLINED';
      return { kind: 'ok', world: next, why: 'declined' };
    }
    if (inv.wholeOrganization) inv.acceptedBy.push(caller.key);
    else inv.status = 'ACCEPTED';
    const grant: Grant = {
      user: caller.key,
      space: s.key,
      role: i.role,
      status: 'ACTIVE',
      expiresAt: expiry,
      sponsor: i.sponsor,
      cause: null,
    };
    const at = next.grants.findIndex((x) => x.user === caller.key && x.space === s.key);
    if (at >= 0) next.grants[at] = { ...grant, id: next.grants[at].id };
    else next.grants.push(grant);
    return {
      kind: 'ok',
      world: next,
      why: `accepted: ${i.role} until ${expiry ?? 'no expiry'}`,
      answer: { membershipRole: i.role, membershipExpiresAt: expiry },
    };
  });
}

/**
 * The grant a membership mutation names, if the caller may know it exists. A grant missing
 * from the member lists the caller reads (ended, lapsed, its member no longer counting) may
 * still be managed by those who run the space: for them the text is silent, so both the
 * NOT_FOUND and the answer as if visible are allowed. Anyone else gets NOT_FOUND.
 */
function visibleGrant(
  f: WriteFacts,
  caller: WorldUser,
  ref: GrantRef,
  managers: (s: WorldSpace) => boolean,
): { g: Grant; s: WorldSpace; maybeHidden: boolean } | Refusal {
  if ('missing' in ref) return refuse('NOT_FOUND', 'no such membership');
  const g = f.grant(ref.user, ref.space);
  if (!g) return refuse('NOT_FOUND', 'no such membership');
  const s = f.space(g.space)!;
  if (f.seesGrant(caller, g)) return { g, s, maybeHidden: false };
  // Those who run the space, and the overseers (who review every grant), may know an ended grant.
  if (f.seesSpace(caller, s) && (managers(s) || f.isOverseer(caller))) return { g, s, maybeHidden: true };
  // One's own grant, or one's sponsored grant, tells the caller nothing they do not know: silent.
  if (g.user === caller.key || g.sponsor === caller.key) return { g, s, maybeHidden: true };
  return refuse('NOT_FOUND', 'the caller does not see the membership');
}

function canManage(f: WriteFacts, caller: WorldUser, s: WorldSpace, role: MembershipRole): boolean {
  if (f.isAdmin(caller) || f.isOwner(caller, s)) return true;
  return f.activeRole(caller, s) === 'ANIMATOR' && (role === 'MEMBER' || role === 'OBSERVER');
}

// Issue 8 item 4 (update, extend) and item 5 (renew, also by the grant's sponsor).
function changeGrant(
  f: WriteFacts,
  caller: WorldUser,
  ref: GrantRef,
  how: 'update' | 'extend' | 'renew',
  input: { role?: MembershipRole; expiresInDays?: number; untilDays?: number },
): Alternative[] {
  const sponsorOf = (g: Grant | undefined): boolean => g !== undefined && g.sponsor === caller.key;
  const target = 'missing' in ref ? undefined : f.grant(ref.user, ref.space);
  // A sponsor need not be in the space: whether they see the grant they sponsor is silent.
  const sponsorOutside = how === 'renew' && sponsorOf(target) && target && !f.seesSpace(caller, f.space(target.space)!);
  const seen = visibleGrant(
    f,
    caller,
    ref,
    (s) => f.isAdmin(caller) || f.leads(caller, s) || (how === 'renew' && sponsorOf(target)),
  );
  if ('kind' in seen) {
    if (!sponsorOutside) return [seen];
  }
  const g = target!;
  const s = f.space(g.space)!;
  const hiddenAlt =
    'kind' in seen || seen.maybeHidden ? [refuse('NOT_FOUND', 'silent: a grant outside the lists')] : [];
  const member = f.user(g.user)!;
  const external = !f.isHost(member);
  const allowed = canManage(f, caller, s, g.role) || (how === 'renew' && sponsorOf(g));
  if (!allowed) return [refuse('FORBIDDEN', 'not allowed to manage this grant'), ...hiddenAlt];
  const v = new Violations();
  v.silent.push(...hiddenAlt);
  if (s.status === 'ARCHIVED') v.add('CONFLICT', 'the space is archived', 'SPACE_ARCHIVED');
  if (g.status !== 'ACTIVE') v.add('CONFLICT', `the membership is ${g.status}`);
  else if (f.expired(g)) v.maybe('CONFLICT', 'the grant lapsed (its status not yet recorded)');
  else if (!f.active(g)) v.maybe('CONFLICT', 'the member is no longer cleared');
  let role = g.role;
  let expiresAt = g.expiresAt;
  if (how === 'update') {
    if (input.role !== undefined) {
      role = input.role;
      if (external && (role === 'OWNER' || role === 'ANIMATOR'))
        v.add('BAD_USER_INPUT', 'an external user is MEMBER or OBSERVER only', 'EXTERNAL_ROLE');
      if (!canManage(f, caller, s, role)) v.add('FORBIDDEN', 'an ANIMATOR does not grant OWNER or ANIMATOR');
      if (g.role === 'OWNER' && role !== 'OWNER') lastOwner(f, g, s, v);
    }
    if (input.expiresInDays !== undefined) expiresAt = addDays(f.now, input.expiresInDays);
  } else {
    expiresAt = addDays(f.now, input.untilDays!);
    // "extends": a later expiry than today's; shortening through it is not an extension.
    if (g.expiresAt === null) v.maybe('BAD_USER_INPUT', 'extending a grant without expiry');
    else if (Date.parse(expiresAt) <= Date.parse(g.expiresAt))
      v.add('BAD_USER_INPUT', 'the new expiry is not later than the current one');
  }
  if (expiresAt !== g.expiresAt && expiresAt !== null) {
    const days = (Date.parse(expiresAt) - f.now.getTime()) / DAY_MS;
    if (days <= 0) v.add('BAD_USER_INPUT', 'an expiry in the past');
    else if (external && days > EXTERNAL_MAX_DAYS)
      v.add('BAD_USER_INPUT', 'an external grant lasts 365 days at most', 'EXPIRY_TOO_LATE');
  }
  return v.outcome(() => {
    const next = clone(f.w);
    const t = next.grants.find((x) => x.user === g.user && x.space === g.space)!;
    t.role = role;
    t.expiresAt = expiresAt;
    return { kind: 'ok', world: next, why: `${how}: ${role} until ${expiresAt ?? 'no expiry'}`, answer: { role } };
  });
}

/** The last OWNER cannot leave, be demoted or be revoked. */
function lastOwner(f: WriteFacts, g: Grant, s: WorldSpace, v: Violations): void {
  if (g.role !== 'OWNER') return;
  const others = f.owners(s).filter((u) => u.key !== g.user);
  const self = f.user(g.user)!;
  if (others.length > 0) return;
  if (f.active(g) && f.counts(self)) v.add('CONFLICT', 'the last OWNER', 'LAST_OWNER');
  // An owner who no longer holds the space leaves no owner behind either way: silent.
  else v.maybe('CONFLICT', 'the last OWNER grant, though not active');
}

// Issue 8 item 4.
function revokeGrant(f: WriteFacts, caller: WorldUser, ref: GrantRef): Alternative[] {
  const seen = visibleGrant(f, caller, ref, (s) => f.isAdmin(caller) || f.leads(caller, s));
  if ('kind' in seen) return [seen];
  const { g, s } = seen;
  const hiddenAlt = seen.maybeHidden ? [refuse('NOT_FOUND', 'silent: a grant outside the lists')] : [];
  if (!canManage(f, caller, s, g.role)) return [refuse('FORBIDDEN', 'not allowed to revoke this grant'), ...hiddenAlt];
  const v = new Violations();
  v.silent.push(...hiddenAlt);
  if (s.status === 'ARCHIVED') v.add('CONFLICT', 'the space is archived', 'SPACE_ARCHIVED');
  if (g.status === 'REVOKED' || g.status === 'EXPIRED' || g.status === 'LEFT')
    v.add('CONFLICT', `the membership is ${g.status}`);
  else if (g.status === 'SUSPENDED') v.maybe('CONFLICT', 'revoking a suspended grant');
  else if (f.expired(g)) v.maybe('CONFLICT', 'revoking a lapsed grant');
  lastOwner(f, g, s, v);
  return v.outcome(() => {
    const next = clone(f.w);
    const t = next.grants.find((x) => x.user === g.user && x.space === g.space)!;
    t.status = 'REVOKED';
    t.cause = null;
    return { kind: 'ok', world: next, why: 'revoked' };
  });
}

// Issue 8 item 4; a leaver's sponsorships move to the space's OWNERs (item 5).
function leaveSpace(f: WriteFacts, caller: WorldUser, key: string): Alternative[] {
  const s = visibleSpace(f, caller, key);
  if ('kind' in s) return [s];
  const g = f.grant(caller.key, s.key);
  if (!g || !f.active(g)) {
    // An overseer sees the space without holding it: nothing to leave.
    return [refuse('NOT_FOUND', 'no membership to leave'), refuse('CONFLICT', 'silent: no active membership')];
  }
  const v = new Violations();
  if (s.status === 'ARCHIVED') v.add('CONFLICT', 'the space is archived', 'SPACE_ARCHIVED');
  lastOwner(f, g, s, v);
  return v.outcome(() => {
    const next = clone(f.w);
    const t = next.grants.find((x) => x.user === g.user && x.space === g.space)!;
    t.status = 'LEFT';
    for (const x of next.grants) if (x.space === s.key && x.sponsor === caller.key) x.sponsor = null;
    return { kind: 'ok', world: next, why: 'left' };
  });
}

/** Users sponsoring a grant of the organisation's users (the kill switch's second hand). */
/**
 * An organisation or person the read rule hides from the caller, but whose grants the caller
 * sponsors (or sponsored): whether the kill switch answers as for a missing one or goes on as
 * for a seen one is silent (the sponsor knows them from their own sponsorships).
 */
function knownToSponsor(sponsor: boolean, seen: () => Alternative[]): Alternative[] {
  const missing = refuse('NOT_FOUND', 'not in sight under the read rule');
  return sponsor ? [...seen(), missing] : [missing];
}

function sponsorsOf(f: WriteFacts, orgKey: string, activeOnly: boolean): Set<string> {
  const out = new Set<string>();
  for (const g of f.w.grants) {
    if (!g.sponsor || f.user(g.user)!.organization !== orgKey) continue;
    if (activeOnly && g.status !== 'ACTIVE') continue;
    out.add(g.sponsor);
  }
  return out;
}

// Issue 8 item 6: HOST_ADMIN or a sponsor of the organisation's grants; ends memberships
// and pending invitations at once; never the host.
function suspendOrganization(f: WriteFacts, caller: WorldUser, key: string): Alternative[] {
  const o = key === MISSING ? undefined : f.org(key);
  if (!o) return [refuse('NOT_FOUND', 'no such organisation in sight')];
  if (!f.read.seesOrganization(caller, o))
    return knownToSponsor(sponsorsOf(f, o.key, false).has(caller.key), () => suspendSeen(f, caller, o));
  return suspendSeen(f, caller, o);
}

function suspendSeen(f: WriteFacts, caller: WorldUser, o: WorldOrganization): Alternative[] {
  const sponsor = sponsorsOf(f, o.key, true).has(caller.key);
  const formerSponsor = !sponsor && sponsorsOf(f, o.key, false).has(caller.key);
  if (o.kind === 'HOST') {
    return f.isAdmin(caller)
      ? [refuse('FORBIDDEN', 'never the host', 'HOST_ORGANIZATION')]
      : [refuse('FORBIDDEN', 'never the host')];
  }
  const silent = formerSponsor ? [refuse('FORBIDDEN', 'silent: a sponsor of ended grants only')] : [];
  if (!f.isAdmin(caller) && !sponsor && !formerSponsor)
    return [refuse('FORBIDDEN', 'HOST_ADMIN or a sponsor of its grants')];
  const v = new Violations();
  v.silent.push(...silent);
  if (o.status === 'SUSPENDED') v.add('CONFLICT', 'already suspended', 'ORGANIZATION_SUSPENDED');
  return v.outcome(() => {
    const next = clone(f.w);
    next.organizations.find((x) => x.key === o.key)!.status = 'SUSPENDED';
    for (const g of next.grants) {
      if (next.users.find((u) => u.key === g.user)!.organization !== o.key || g.status !== 'ACTIVE') continue;
      g.status = 'SUSPENDED';
      g.cause = 'ORGANIZATION_SUSPENDED';
    }
    for (const i of next.invitations)
      if (i.organization === o.key && (i.status === 'PENDING' || i.status === 'PENDING_APPROVAL')) i.status = 'REVOKED';
    return { kind: 'ok', world: next, why: 'organisation suspended' };
  });
}

// Issue 8 item 6: restores the memberships that have not expired meanwhile, and nothing else.
function reactivateOrganization(f: WriteFacts, caller: WorldUser, key: string): Alternative[] {
  const o = key === MISSING ? undefined : f.org(key);
  if (!o) return [refuse('NOT_FOUND', 'no such organisation in sight')];
  if (!f.read.seesOrganization(caller, o))
    return knownToSponsor(sponsorsOf(f, o.key, false).has(caller.key), () => reactivateSeen(f, caller, o));
  return reactivateSeen(f, caller, o);
}

function reactivateSeen(f: WriteFacts, caller: WorldUser, o: WorldOrganization): Alternative[] {
  const v = new Violations();
  if (!f.isAdmin(caller)) {
    const sponsor = sponsorsOf(f, o.key, false).has(caller.key);
    if (!sponsor) return [refuse('FORBIDDEN', 'HOST_ADMIN reactivates')];
    v.maybe('FORBIDDEN', 'whether a sponsor may reactivate is silent');
  }
  if (o.status !== 'SUSPENDED') v.add('CONFLICT', 'not suspended', 'ORGANIZATION_NOT_SUSPENDED');
  if (o.kind === 'HOST') v.maybe('FORBIDDEN', 'the host is never suspended, so never reactivated');
  return v.outcome(() => {
    const next = clone(f.w);
    next.organizations.find((x) => x.key === o.key)!.status = 'ACTIVE';
    restore(next, 'ORGANIZATION_SUSPENDED', (g) => next.users.find((u) => u.key === g.user)!.organization === o.key);
    return { kind: 'ok', world: next, why: 'organisation reactivated' };
  });
}

/** Grants suspended for `cause` come back unless they expired meanwhile (those are EXPIRED). */
function restore(w: WriteWorld, cause: SuspensionCause, which: (g: Grant) => boolean): void {
  const now = Date.parse(w.now);
  for (const g of w.grants) {
    if (g.status !== 'SUSPENDED' || g.cause !== cause || !which(g)) continue;
    if (g.expiresAt !== null && now >= Date.parse(g.expiresAt)) {
      g.status = 'EXPIRED';
    } else {
      g.status = 'ACTIVE';
    }
    g.cause = null;
  }
}

// Issue 8 item 6, for one person: HOST_ADMIN, the PARTNER_ADMIN of their organisation, or a
// sponsor of their grants; never oneself.
function disableUser(f: WriteFacts, caller: WorldUser, key: string): Alternative[] {
  const u = key === MISSING ? undefined : f.user(key);
  if (!u) return [refuse('NOT_FOUND', 'no such person in sight')];
  if (!f.read.seesUser(caller, u))
    return knownToSponsor(
      f.w.grants.some((g) => g.user === u.key && g.sponsor === caller.key),
      () => disableUserSeen(f, caller, u),
    );
  return disableUserSeen(f, caller, u);
}

function disableUserSeen(f: WriteFacts, caller: WorldUser, u: WorldUser): Alternative[] {
  if (u.key === caller.key) return [refuse('FORBIDDEN', 'nobody disables themselves', 'SELF_DISABLE')];
  const partnerAdmin =
    !f.isHost(caller) && caller.roles.includes('PARTNER_ADMIN') && caller.organization === u.organization;
  // A sponsor of live grants (ACTIVE or SUSPENDED) may; one of ended grants only: silent.
  const sponsored = f.w.grants.filter((g) => g.user === u.key && g.sponsor === caller.key);
  const live = sponsored.some((g) => g.status === 'ACTIVE' || g.status === 'SUSPENDED');
  if (!f.isAdmin(caller) && !partnerAdmin && sponsored.length === 0)
    return [refuse('FORBIDDEN', 'not allowed to disable')];
  const v = new Violations();
  if (!f.isAdmin(caller) && !partnerAdmin && !live) v.maybe('FORBIDDEN', 'a sponsor of ended grants only');
  if (u.status === 'DISABLED') v.add('CONFLICT', 'already disabled', 'USER_DISABLED');
  if (f.isAdmin(u)) v.maybe('CONFLICT', 'disabling a HOST_ADMIN');
  if (f.isAdmin(u)) v.maybe('FORBIDDEN', 'disabling a HOST_ADMIN');
  return v.outcome(() => {
    const next = clone(f.w);
    next.users.find((x) => x.key === u.key)!.status = 'DISABLED';
    for (const g of next.grants) {
      if (g.user === u.key && g.status === 'ACTIVE') {
        g.status = 'SUSPENDED';
        g.cause = 'USER_DISABLED';
      }
      // Their sponsorships move to the spaces' OWNERs.
      if (g.sponsor === u.key) g.sponsor = null;
    }
    for (const i of next.invitations)
      if (
        !i.wholeOrganization &&
        i.email === u.email.toLowerCase() &&
        (i.status === 'PENDING' || i.status === 'PENDING_APPROVAL')
      )
        i.status = 'REVOKED';
    return { kind: 'ok', world: next, why: 'user disabled' };
  });
}

function enableUser(f: WriteFacts, caller: WorldUser, key: string): Alternative[] {
  const u = key === MISSING ? undefined : f.user(key);
  if (!u) return [refuse('NOT_FOUND', 'no such person in sight')];
  if (!f.read.seesUser(caller, u))
    return knownToSponsor(
      f.w.grants.some((g) => g.user === u.key && g.sponsor === caller.key),
      () => enableUserSeen(f, caller, u),
    );
  return enableUserSeen(f, caller, u);
}

function enableUserSeen(f: WriteFacts, caller: WorldUser, u: WorldUser): Alternative[] {
  const partnerAdmin =
    !f.isHost(caller) && caller.roles.includes('PARTNER_ADMIN') && caller.organization === u.organization;
  const v = new Violations();
  if (!f.isAdmin(caller) && !partnerAdmin) {
    const sponsor = f.w.grants.some((g) => g.user === u.key && g.sponsor === caller.key);
    if (!sponsor || u.key === caller.key) return [refuse('FORBIDDEN', 'not allowed to enable')];
    v.maybe('FORBIDDEN', 'whether a sponsor may enable is silent');
  }
  if (u.status !== 'DISABLED') v.add('CONFLICT', 'not disabled', 'USER_NOT_DISABLED');
  return v.outcome(() => {
    const next = clone(f.w);
    next.users.find((x) => x.key === u.key)!.status = 'ACTIVE';
    restore(next, 'USER_DISABLED', (g) => g.user === u.key);
    return { kind: 'ok', world: next, why: 'user enabled' };
  });
}

// Issue 8 item 7: HOST_ADMIN sets anyone's clearance; PARTNER_ADMIN their own organisation's,
// within its cap; each change re-evaluates the person's memberships at once.
function updateUser(f: WriteFacts, caller: WorldUser, key: string, clearance: number): Alternative[] {
  const u = key === MISSING ? undefined : f.user(key);
  if (!u || !f.read.seesUser(caller, u)) return [refuse('NOT_FOUND', 'no such person in sight')];
  const partnerAdmin =
    !f.isHost(caller) && caller.roles.includes('PARTNER_ADMIN') && caller.organization === u.organization;
  if (!f.isAdmin(caller) && !partnerAdmin) {
    return validLevel(clearance)
      ? [refuse('FORBIDDEN', 'HOST_ADMIN, or PARTNER_ADMIN for their own organisation')]
      : [refuse('FORBIDDEN', 'not allowed'), refuse('BAD_USER_INPUT', 'clearance out of range, before the rights')];
  }
  const v = new Violations();
  const cap = f.org(u.organization)!.clearanceCap;
  if (!validLevel(clearance)) v.add('BAD_USER_INPUT', `clearance ${clearance}`);
  else if (clearance > cap) {
    if (partnerAdmin && !f.isAdmin(caller))
      v.add('BAD_USER_INPUT', "above the organisation's cap", 'ABOVE_ORGANIZATION_CAP');
    else v.maybe('BAD_USER_INPUT', "a HOST_ADMIN above the organisation's cap (the cap applies anyway)");
  }
  return v.outcome(() => {
    const next = clone(f.w);
    next.users.find((x) => x.key === u.key)!.clearance = clearance as Level;
    reevaluate(next, (g) => g.user === u.key);
    return { kind: 'ok', world: next, why: `clearance ${u.clearance} → ${clearance}` };
  });
}
