import { AbilityBuilder, createMongoAbility, MongoQuery } from '@casl/ability';
import { Injectable } from '@nestjs/common';
import { MembershipRole, MembershipStatus, PartnerVisibility, UserRole } from '../common/domain.enums';
import { hasRole, isOverseer, Principal } from '../auth/principal';
import { AppAbility } from './subjects';
import { defineReviewRules } from './review-rules';
import { defineWriteRules } from './write-rules';
import { abilityAt, INSTANT } from './instant-ability';

/** The caller's active spaces, grouped by what the rule lets them read in each. */
interface SpaceGroup {
  spaceIds: string[];
  /** OWNER and ANIMATOR read hidden posts. */
  readsHidden: boolean;
  /** An external caller in a HUB space sees only the host's and their own organisation's work. */
  hubRestricted: boolean;
}

type Conditions = MongoQuery;

/**
 * The whole confidentiality rule of DESIGN.md section 2 as CASL rules. The same ability
 * answers single checks in memory and, through rulesToAST and our SQL translator, filters
 * every list in the database.
 *
 * Shapes, chosen for cost: one rule per kind of space with `$in` over space ids (never one
 * rule per space); relations only where the rule speaks of other objects (a member's
 * memberships, an author's posts), expressed with `$elemMatch` on to-many relations and
 * dotted paths on to-one relations (`post.label`).
 */
@Injectable()
export class AbilityFactory {
  /** Abilities shared by the requests of one cached principal, built with INSTANT for now. */
  private readonly shared = new WeakMap<Principal, AppAbility>();

  /**
   * The ability of `{ ...base, now }`, for a request whose principal is the cached `base` at
   * `now`: the rules are built once per cached principal and read at each request's instant
   * (instant-ability.ts). `base` must not change while it is cached (the cache freezes it).
   */
  createAt(base: Principal, now: Date): AppAbility {
    let shared = this.shared.get(base);
    if (!shared) {
      shared = this.createFor({ ...base, now: INSTANT });
      this.shared.set(base, shared);
    }
    return abilityAt(shared, now);
  }

  createFor(p: Principal): AppAbility {
    const builder = new AbilityBuilder<AppAbility>(createMongoAbility);
    const { can, cannot, build } = builder;
    const groups = groupSpaces(p);
    const allSpaceIds = p.activeMemberships.map((m) => m.spaceId);
    const ownSide = [p.hostOrganizationId, p.organizationId];
    const overseer = isOverseer(p);

    // Spaces: an active membership, or administering / reviewing access.
    if (overseer) can('read', 'Space');
    else if (allSpaceIds.length) can('read', 'Space', { id: { $in: allSpaceIds } });

    // Posts, comments and reactions: only through an active membership, whatever the role.
    const content = groups.map((g) => contentConditions(g, p.effectiveClearance, ownSide));
    for (const c of content) {
      can('read', 'Post', c.post);
      can('read', 'Comment', c.comment);
      can('read', 'Reaction', c.reaction);
    }

    // The risk map: the space's OWNERs and ANIMATORs, and security reviewers (DESIGN 1).
    const led = p.activeMemberships
      .filter((m) => m.role === MembershipRole.OWNER || m.role === MembershipRole.ANIMATOR)
      .map((m) => m.spaceId);
    if (p.isHost && hasRole(p, UserRole.SECURITY_REVIEWER)) can('read', 'RiskEntry');
    else if (led.length) can('read', 'RiskEntry', { spaceId: { $in: led } });

    // Members: whoever sees the space sees its active members who count (HUB: own side only).
    const activeMember = { ...activeMembershipConditions(p.now), memberCounts: true };
    const open = spacesWhere(groups, false);
    const hub = spacesWhere(groups, true);
    if (overseer) {
      can('read', 'Membership', activeMember);
    } else {
      if (open.length) can('read', 'Membership', { ...activeMember, spaceId: { $in: open } });
      if (hub.length)
        can('read', 'Membership', { ...activeMember, spaceId: { $in: hub }, userOrganizationId: { $in: ownSide } });
    }

    // People: who U sees through spaces and work, said once for people and for organisations.
    const seen = relationalUserConditions(p, { open, hub }, content);
    for (const conditions of [...ownUserConditions(p), ...seen]) can('read', 'User', conditions);
    if (overseer) can('read', 'User');

    // Organisations: own, host, and the organisation of every user U sees.
    if (overseer) {
      can('read', 'Organization');
    } else {
      can('read', 'Organization', { id: { $in: ownSide } });
      for (const conditions of seen) {
        can('read', 'Organization', { users: { $elemMatch: conditions } });
      }
    }

    // IdP connections (section 3): a host administrator manages them all; a security
    // reviewer reads them; a partner's administrator manages its own organisation's, except
    // a mapping that yields a host role. Roles count only on their side (host / partner).
    if (p.isHost && hasRole(p, UserRole.HOST_ADMIN)) {
      can('manage', 'IdpConnection');
    } else {
      if (p.isHost && hasRole(p, UserRole.SECURITY_REVIEWER)) can('read', 'IdpConnection');
      if (!p.isHost && hasRole(p, UserRole.PARTNER_ADMIN)) {
        can('read', 'IdpConnection', { organizationId: p.organizationId });
        can(['create', 'update'], 'IdpConnection', { organizationId: p.organizationId, grantsHostRoles: false });
      }
    }

    // Who may do what: the write path (spaces, invitations, memberships, the kill switch).
    defineWriteRules(builder, p);
    defineReviewRules(builder, p);

    // Emails: a partner never sees another partner's addresses. Placed last: CASL gives
    // later rules priority, and an inverted rule placed first would be shadowed.
    if (!p.isHost) cannot('read', 'User', 'email', { organizationId: { $nin: ownSide } });

    return build({ detectSubjectType: (o) => (o as { __caslSubjectType__: never }).__caslSubjectType__ });
  }
}

/** A membership is active while ACTIVE, not expired, and its member cleared for the space. */
export function activeMembershipConditions(now: Date): Conditions {
  return {
    status: MembershipStatus.ACTIVE,
    // expiresAt, or +infinity when there is none: expired from the instant now >= expiresAt.
    activeUntil: { $gt: now },
    clearanceSufficient: true,
  };
}

function groupSpaces(p: Principal): SpaceGroup[] {
  const groups = new Map<string, SpaceGroup>();
  for (const m of p.activeMemberships) {
    const readsHidden = m.role === MembershipRole.OWNER || m.role === MembershipRole.ANIMATOR;
    const hubRestricted = !p.isHost && m.partnerVisibility === PartnerVisibility.HUB;
    const key = `${readsHidden}/${hubRestricted}`;
    const group = groups.get(key) ?? { spaceIds: [], readsHidden, hubRestricted };
    group.spaceIds.push(m.spaceId);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The spaces of the groups with (true) or without (false) the HUB restriction. */
function spacesWhere(groups: SpaceGroup[], hubRestricted: boolean): string[] {
  const out: string[] = [];
  for (const g of groups) if (g.hubRestricted === hubRestricted) out.push(...g.spaceIds);
  return out;
}

/** What one group of spaces lets U read: posts, comments and reactions, built together (once per request). */
interface ContentConditions {
  post: Conditions;
  comment: Conditions;
  reaction: Conditions;
}

function contentConditions(g: SpaceGroup, clearance: number, ownSide: string[]): ContentConditions {
  const post: Conditions = { spaceId: { $in: g.spaceIds }, label: { $lte: clearance } };
  if (!g.readsHidden) post.hidden = false;
  if (g.hubRestricted) post.authorOrganizationId = { $in: ownSide };
  const onPost: Conditions = {};
  for (const field of Object.keys(post)) onPost[`post.${field}`] = post[field as keyof Conditions];

  // Comments follow their post, plus the HUB rule on their own author; hidden ones are for moderators.
  const comment: Conditions = { ...onPost };
  if (!g.readsHidden) comment.hidden = false;
  if (g.hubRestricted) comment.authorOrganizationId = { $in: ownSide };

  // Reactions follow what they answer: the post, and for a reaction to a comment that comment
  // too (`target*`: the comment's facts, or the post's for a reaction to the post); plus the
  // HUB rule on the reaction's own author.
  const reaction: Conditions = { ...onPost };
  if (!g.readsHidden) reaction.targetHidden = false;
  if (g.hubRestricted) {
    reaction.authorOrganizationId = { $in: ownSide };
    reaction.targetAuthorOrganizationId = { $in: ownSide };
  }
  return { post, comment, reaction };
}

/** U sees U, and U's own organisation (and a host member, the host's people). */
function ownUserConditions(p: Principal): Conditions[] {
  const out: Conditions[] = [{ id: p.userId }, { organizationId: p.organizationId }];
  if (p.isHost) out.push({ organizationId: p.hostOrganizationId });
  return out;
}

/**
 * Who else U sees, clause by clause: the clauses organisations are seen through too (an
 * organisation of someone U sees), beyond "own organisation or host".
 */
function relationalUserConditions(
  p: Principal,
  spaces: { open: string[]; hub: string[] },
  content: ContentConditions[],
): Conditions[] {
  const out: Conditions[] = [];
  const ownSide = [p.hostOrganizationId, p.organizationId];
  // A V who counts and shares an active membership where the HUB rule lets U see V.
  const activeNow = activeMembershipConditions(p.now);
  if (spaces.open.length)
    out.push({ counts: true, memberships: { $elemMatch: { ...activeNow, spaceId: { $in: spaces.open } } } });
  if (spaces.hub.length) {
    out.push({
      counts: true,
      organizationId: { $in: ownSide },
      memberships: { $elemMatch: { ...activeNow, spaceId: { $in: spaces.hub } } },
    });
  }
  // A V who wrote a post or a comment U reads (counting or not: past work keeps its author).
  for (const c of content) {
    out.push({ posts: { $elemMatch: c.post } });
    out.push({ comments: { $elemMatch: c.comment } });
  }
  return out;
}
