import { Injectable, Logger } from '@nestjs/common';
import { AbilityFactory } from '../access/ability.factory';
import { DenialService } from '../access/denial.service';
import { Action, AppAbility, asSubject, SubjectName } from '../access/subjects';
import { AuditService } from '../audit/audit.service';
import { clearedFor, effectiveClearance, membershipActive, userCounts } from '../auth/membership-rules';
import { isOverseer, Principal } from '../auth/principal';
import { PrincipalService } from '../auth/principal.service';
import { Clock } from '../common/clock';
import { MembershipRole, OrganizationStatus, PartnerVisibility, UserRole, UserStatus } from '../common/domain.enums';
import { parseId } from '../common/ids';
import { Membership } from '../database/entities/membership.entity';
import { Space } from '../database/entities/space.entity';
import { User } from '../database/entities/user.entity';
import { UsersService } from '../users/users.service';
import { commentFacts, ExplainFactsRepository, postFacts, Standing } from './explain-facts.repository';
import { LocalizedText } from './policy-document';
import { evaluatePolicy, PolicyVerdict } from './policy-interpreter';
import { PolicyErrorCode, PolicyException } from './policy.exception';
import { conditionModel, PolicyService, ruleModel } from './policy.service';
import {
  AccessExplanationModel,
  ExplainedGrantModel,
  ExplainedSubjectModel,
  ExplainedUserModel,
  ExplainedWitnessModel,
  ExplanationReasonModel,
} from './models/access-explanation.model';

/** What explainAccess covers: reads of the confidentiality rule's objects, and the writes on content. */
export const EXPLAINED: Partial<Record<SubjectName, readonly Action[]>> = {
  Space: ['read', 'post', 'invite', 'update', 'readHealth'],
  Post: ['read', 'comment', 'react', 'edit', 'delete', 'moderate'],
  Comment: ['read', 'react', 'edit', 'delete', 'moderate'],
  Membership: ['read'],
  User: ['read'],
  Organization: ['read'],
};

export interface ExplainArgs {
  userId: string;
  action: string;
  subjectType: string;
  subjectId: string;
}

/** What was loaded about the subject. */
interface Loaded {
  facts: Record<string, unknown> | null;
  subject: ExplainedSubjectModel;
  space: Space | null;
  witnesses: ExplainedWitnessModel[];
  /** For a membership subject: the grant explained. */
  membershipFacts?: Record<string, unknown>;
}

/**
 * explainAccess: the decision the gateway makes now for one user, action and subject, and
 * why. The user's principal is loaded as the gateway loads it (PrincipalService, the clock's
 * now), their ability built by AbilityFactory, the subject's facts as the engine sees them;
 * the decision is the engine's, and the policy document's interpreter names the rule that
 * decided and the conditions that failed. Reviewers read no content: the subject is named by
 * id and label, a post's title only within the reviewer's own clearance, never a body.
 */
@Injectable()
export class ExplainService {
  private readonly logger = new Logger(ExplainService.name);

  constructor(
    private readonly policy: PolicyService,
    private readonly facts: ExplainFactsRepository,
    private readonly principals: PrincipalService,
    private readonly abilities: AbilityFactory,
    private readonly users: UsersService,
    private readonly denials: DenialService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async explain(
    reviewer: Principal,
    reviewerAbility: AppAbility,
    args: ExplainArgs,
    requestId?: string,
  ): Promise<AccessExplanationModel> {
    const userId = parseId(args.userId);
    const target = userId ? await this.users.findVisible(reviewerAbility, userId) : null;
    if (!target) throw await this.denials.notFound(reviewer, 'User', args.userId, requestId);
    await this.policy.mayReview(reviewer, reviewerAbility, 'review.explain', requestId);
    const { action, type } = await this.checkArgs(reviewer, args, requestId);

    const now = this.clock.now();
    const standing = (await this.facts.standing(target.id))!;
    const principal = await this.principals.load(target.id, now, { kind: 'token', id: 'explain' });
    const ability = principal ? this.abilities.createFor(principal) : null;
    const subjectId = parseId(args.subjectId);
    const loaded = await this.load(type, subjectId, args.subjectId, standing, ability, reviewer);

    let allowed = false;
    let readable = false;
    let verdict: PolicyVerdict | null = null;
    if (principal && ability && loaded.facts) {
      const subject = asSubject(type, loaded.facts);
      readable = ability.can('read', subject);
      const ruleAllows = ability.can(action, subject);
      allowed = action === 'read' ? readable : readable && ruleAllows;
      verdict = evaluatePolicy(this.policy.document, principal, action, type, loaded.facts);
      if (verdict.allowed !== ruleAllows) {
        // The document is derived from the engine and tested against it: a bug. The engine's
        // decision stands; the rule named may then be wrong, so none is named.
        this.logger.error(`policy document and engine disagree on ${action} ${type} ${loaded.subject.id}`);
        verdict = { ...verdict, deciding: null };
      }
    }
    const grantRow = loaded.space ? (await this.facts.grantsIn(target.id, loaded.space.id))[0] : undefined;
    const user = explainedUser(standing, principal);
    const grant =
      grantRow && loaded.space ? explainedGrant(grantRow, loaded.space, user.effectiveClearance, now) : null;
    const reasons = allowed
      ? []
      : this.reasons({ action, type, loaded, user, principal, grant, readable, verdict, standing });

    await this.audit.record({
      action: 'review.explain',
      outcome: 'SUCCESS',
      actorId: reviewer.userId,
      actorOrganizationId: reviewer.organizationId,
      subjectType: 'User',
      subjectId: target.id,
      details: {
        action,
        subjectType: type,
        subjectId: loaded.subject.id,
        allowed,
        rule: verdict?.deciding?.id ?? null,
        reasons: reasons.map((r) => r.code),
      },
      requestId: requestId ?? null,
    });
    return {
      allowed,
      readable,
      action,
      decidingRule: verdict?.deciding ? ruleModel(verdict.deciding) : null,
      ruleChecks: (verdict?.checks ?? []).map((c) => ({
        rule: ruleModel(c.rule),
        matched: c.matched,
        failedConditions: c.failed.map(conditionModel),
      })),
      reasons,
      user,
      grant,
      subject: loaded.subject,
      witnesses: loaded.witnesses,
      policyVersion: this.policy.document.version,
      evaluatedAt: now,
    };
  }

  private async checkArgs(
    reviewer: Principal,
    args: ExplainArgs,
    requestId?: string,
  ): Promise<{ action: Action; type: SubjectName }> {
    const refuse = async (code: PolicyErrorCode, message: string) => {
      await this.audit.recordQuietly({
        action: 'review.explain',
        outcome: 'FAILURE',
        actorId: reviewer.userId,
        actorOrganizationId: reviewer.organizationId,
        reason: code,
        details: { action: args.action.slice(0, 50), subjectType: args.subjectType.slice(0, 50) },
        requestId: requestId ?? null,
      });
      return new PolicyException(code, message);
    };
    const actions = EXPLAINED[args.subjectType as SubjectName];
    if (!actions) {
      throw await refuse(
        PolicyErrorCode.UNSUPPORTED_SUBJECT_TYPE,
        `subjectType must be one of ${Object.keys(EXPLAINED).join(', ')}`,
      );
    }
    const known = new Set(this.policy.document.rules.map((r) => r.action));
    if (!known.has(args.action) && !Object.values(EXPLAINED).some((a) => a.includes(args.action as Action))) {
      throw await refuse(PolicyErrorCode.UNKNOWN_ACTION, `Unknown action "${args.action.slice(0, 50)}"`);
    }
    if (!actions.includes(args.action as Action)) {
      throw await refuse(
        PolicyErrorCode.UNSUPPORTED_ACTION,
        `On a ${args.subjectType}, explainAccess covers: ${actions.join(', ')}`,
      );
    }
    return { action: args.action as Action, type: args.subjectType as SubjectName };
  }

  private async load(
    type: SubjectName,
    id: string | null,
    rawId: string,
    standing: Standing,
    ability: AppAbility | null,
    reviewer: Principal,
  ): Promise<Loaded> {
    const missing: Loaded = {
      facts: null,
      space: null,
      witnesses: [],
      subject: blankSubject(type, rawId.slice(0, 100), false),
    };
    if (!id) return missing;
    const hostId = await this.facts.hostOrganizationId();
    const sideOf = (organizationId: string): string =>
      organizationId === hostId
        ? 'HOST'
        : organizationId === standing.user.organizationId
          ? 'OWN_ORGANIZATION'
          : 'OTHER_ORGANIZATION';
    const external = standing.user.organizationId !== hostId;
    const inSpace = (space: Space, subject: Partial<ExplainedSubjectModel>): ExplainedSubjectModel => ({
      ...blankSubject(type, id, true),
      spaceId: space.id,
      spaceClassification: space.classification,
      spaceVisibility: space.partnerVisibility,
      hubRuleApplies: external && space.partnerVisibility === PartnerVisibility.HUB,
      ...subject,
    });
    switch (type) {
      case 'Space': {
        const space = await this.facts.space(id);
        if (!space) return missing;
        return {
          facts: { id: space.id },
          space,
          witnesses: [],
          subject: inSpace(space, { label: space.classification, name: space.name }),
        };
      }
      case 'Post': {
        const post = await this.facts.post(id);
        const space = post ? await this.facts.space(post.spaceId) : null;
        if (!post || !space) return missing;
        return {
          facts: postFacts(post),
          space,
          witnesses: [],
          subject: inSpace(space, {
            label: post.label,
            hidden: post.hidden,
            authorSide: sideOf(post.authorOrganizationId),
            name: post.label <= reviewer.effectiveClearance ? post.title : null,
          }),
        };
      }
      case 'Comment': {
        const comment = await this.facts.comment(id);
        const post = comment ? await this.facts.post(comment.postId) : null;
        const space = post ? await this.facts.space(post.spaceId) : null;
        if (!comment || !post || !space) return missing;
        return {
          facts: commentFacts(comment, post),
          space,
          witnesses: [{ type: 'Post', id: post.id, label: post.label, spaceId: post.spaceId }],
          subject: inSpace(space, {
            label: post.label,
            hidden: comment.hidden || post.hidden,
            authorSide: sideOf(comment.authorOrganizationId),
          }),
        };
      }
      case 'Membership': {
        const membership = await this.facts.membership(id);
        const space = membership ? await this.facts.space(membership.spaceId) : null;
        if (!membership || !space) return missing;
        const [facts] = await this.facts.membershipFacts([membership]);
        return {
          facts,
          space,
          witnesses: [],
          membershipFacts: facts,
          subject: inSpace(space, {
            label: space.classification,
            authorSide: sideOf(membership.userOrganizationId),
          }),
        };
      }
      case 'User': {
        const subject = await this.facts.standing(id);
        if (!subject) return missing;
        const { facts, witnesses } = await this.userFacts(subject, ability);
        return {
          facts,
          space: null,
          witnesses,
          subject: {
            ...blankSubject(type, id, true),
            authorSide: sideOf(subject.user.organizationId),
            name: subject.user.displayName,
          },
        };
      }
      case 'Organization': {
        const organization = await this.facts.organization(id);
        if (!organization) return missing;
        const member = ability ? await this.facts.visibleUserOf(ability, organization.id) : null;
        const memberFacts = member ? await this.userFacts({ user: member, organization }, ability) : null;
        return {
          facts: { id: organization.id, kind: organization.kind, users: memberFacts ? [memberFacts.facts] : [] },
          space: null,
          witnesses: member
            ? [{ type: 'User', id: member.id, label: null, spaceId: null }, ...memberFacts!.witnesses]
            : [],
          subject: { ...blankSubject(type, id, true), name: organization.name },
        };
      }
      // Outside explainAccess (checkArgs refuses them first).
      case 'AuditEvent':
      case 'IdpConnection':
      case 'Invitation':
      case 'Notification':
      case 'Reaction':
      case 'RecertificationCampaign':
      case 'RiskEntry':
        return missing;
    }
  }

  /** A person's facts: their grants, and one post and one comment of theirs the explained user reads. */
  private async userFacts(
    subject: Standing,
    ability: AppAbility | null,
  ): Promise<{ facts: Record<string, unknown>; witnesses: ExplainedWitnessModel[] }> {
    const u: User = subject.user;
    const memberships = await this.facts.membershipFacts(await this.facts.grantsOf(u.id));
    const post = ability ? await this.facts.readablePostBy(ability, u.id) : null;
    const comment = ability ? await this.facts.readableCommentBy(ability, u.id) : null;
    const commentPost = comment ? await this.facts.post(comment.postId) : null;
    const witnesses: ExplainedWitnessModel[] = [];
    if (post) witnesses.push({ type: 'Post', id: post.id, label: post.label, spaceId: post.spaceId });
    if (comment && commentPost) {
      witnesses.push({ type: 'Comment', id: comment.id, label: commentPost.label, spaceId: commentPost.spaceId });
    }
    return {
      facts: {
        id: u.id,
        organizationId: u.organizationId,
        counts: userCounts(u, subject.organization),
        memberships,
        posts: post ? [postFacts(post)] : [],
        comments: comment && commentPost ? [commentFacts(comment, commentPost)] : [],
      },
      witnesses,
    };
  }

  private reasons(
    x: {
      action: Action;
      type: SubjectName;
      loaded: Loaded;
      user: ExplainedUserModel;
      principal: Principal | null;
      grant: ExplainedGrantModel | null;
      readable: boolean;
      verdict: PolicyVerdict | null;
    } & { standing: Standing },
  ): ExplanationReasonModel[] {
    const out: ExplanationReasonModel[] = [];
    const add = (code: string, text: LocalizedText) => out.push({ code, text });
    const { user, loaded, principal, grant } = x;
    if (!principal) {
      if (user.status !== UserStatus.ACTIVE) add('USER_DOES_NOT_COUNT', TEXT.userDisabled);
      if (user.organizationStatus !== OrganizationStatus.ACTIVE) add('USER_DOES_NOT_COUNT', TEXT.organizationSuspended);
      if (out.length === 0) add('USER_DOES_NOT_COUNT', TEXT.userDisabled);
      return out;
    }
    if (!loaded.facts) {
      add('SUBJECT_NOT_FOUND', TEXT.notFound);
      return out;
    }
    const s = loaded.subject;
    if (!x.readable) {
      const overseerSees = user.overseer && (x.type === 'Space' || x.type === 'User' || x.type === 'Organization');
      const needsGrant = loaded.space && !(user.overseer && x.type === 'Space');
      const active = loaded.space && principal.activeMemberships.find((m) => m.spaceId === loaded.space!.id);
      if (needsGrant && !active && !(x.type === 'Membership' && user.overseer)) {
        if (!grant) add('NO_MEMBERSHIP', TEXT.noMembership);
        else {
          if (grant.status !== 'ACTIVE') add('MEMBERSHIP_NOT_ACTIVE', TEXT.membershipNotActive(grant.status));
          if (grant.expired) add('MEMBERSHIP_EXPIRED', TEXT.membershipExpired(grant.expiresAt!));
          if (!grant.clearedForSpace)
            add(
              'CLEARANCE_BELOW_CLASSIFICATION',
              TEXT.belowClassification(user.effectiveClearance, s.spaceClassification!),
            );
        }
      }
      if (x.type === 'Post' || x.type === 'Comment') {
        const label = s.label ?? 0;
        if (label > user.effectiveClearance)
          add('LABEL_ABOVE_CLEARANCE', TEXT.labelAbove(label, user.effectiveClearance));
        const moderator = active && (active.role === MembershipRole.OWNER || active.role === MembershipRole.ANIMATOR);
        if (s.hidden && !moderator) add('HIDDEN', TEXT.hidden);
      }
      if (x.type === 'Post' || x.type === 'Comment' || x.type === 'Membership') {
        if (s.hubRuleApplies && s.authorSide === 'OTHER_ORGANIZATION') add('HUB_OTHER_ORGANIZATION', TEXT.hub);
        if (x.type === 'Comment' && s.hubRuleApplies) {
          const postSide = (loaded.facts.post as { authorOrganizationId: string }).authorOrganizationId;
          if (
            postSide !== user.organizationId &&
            postSide !== principal.hostOrganizationId &&
            s.authorSide !== 'OTHER_ORGANIZATION'
          )
            add('HUB_OTHER_ORGANIZATION', TEXT.hub);
        }
      }
      if (x.type === 'Membership' && loaded.membershipFacts) {
        const m = loaded.membershipFacts;
        if (!m.memberCounts) add('MEMBER_DOES_NOT_COUNT', TEXT.memberDoesNotCount);
        if (
          m.status !== 'ACTIVE' ||
          (m.activeUntil as Date).getTime() <= principal.now.getTime() ||
          !m.clearanceSufficient
        )
          add('GRANT_NOT_ACTIVE', TEXT.grantNotActive);
      }
      if ((x.type === 'User' || x.type === 'Organization') && !overseerSees) add('NOT_RELATED', TEXT.notRelated);
      if (x.action !== 'read') add('NOT_READABLE', TEXT.notReadable);
    } else if (x.action !== 'read') {
      add('ROLE_REQUIRED', TEXT.roleRequired(x.action, grant?.role ?? null));
    }
    if (out.length === 0) add('NO_RULE_MATCHED', TEXT.noRule);
    return out;
  }
}

function blankSubject(type: string, id: string, found: boolean): ExplainedSubjectModel {
  return {
    type,
    id,
    found,
    spaceId: null,
    label: null,
    spaceClassification: null,
    spaceVisibility: null,
    hidden: null,
    authorSide: null,
    hubRuleApplies: null,
    name: null,
  };
}

function explainedUser(standing: Standing, principal: Principal | null): ExplainedUserModel {
  const { user, organization } = standing;
  const isHost = organization?.kind === 'HOST';
  const roles = user.roles.filter((r) => isHost || r === UserRole.PARTNER_ADMIN);
  return {
    id: user.id,
    status: user.status,
    organizationId: user.organizationId,
    organizationStatus: organization?.status ?? OrganizationStatus.SUSPENDED,
    counts: userCounts(user, organization),
    isHost,
    clearance: user.clearance,
    organizationCap: organization?.clearanceCap ?? 0,
    effectiveClearance: effectiveClearance(user, organization),
    roles,
    overseer: principal ? isOverseer(principal) : isHost && roles.some((r) => r !== UserRole.PARTNER_ADMIN),
  };
}

function explainedGrant(m: Membership, space: Space, clearance: number, now: Date): ExplainedGrantModel {
  const expired = m.expiresAt !== null && now.getTime() >= m.expiresAt.getTime();
  const cleared = clearedFor(clearance, space);
  return {
    id: m.id,
    spaceId: m.spaceId,
    role: m.role,
    status: m.status,
    expiresAt: m.expiresAt,
    expired,
    clearedForSpace: cleared,
    active: membershipActive(m, now) && cleared,
  };
}

const TEXT = {
  userDisabled: {
    en: 'The user is DISABLED: a user who does not count reads nothing at all.',
    fr: 'L’utilisateur est désactivé (DISABLED) : un utilisateur qui ne compte pas ne lit rien du tout.',
  },
  organizationSuspended: {
    en: 'The user’s organisation is SUSPENDED: a user who does not count reads nothing at all.',
    fr: 'L’organisation de l’utilisateur est suspendue (SUSPENDED) : un utilisateur qui ne compte pas ne lit rien du tout.',
  },
  notFound: { en: 'No such object.', fr: 'Aucun objet de ce type avec cet identifiant.' },
  noMembership: {
    en: 'The user holds no membership in the space.',
    fr: 'L’utilisateur n’est pas membre de l’espace.',
  },
  membershipNotActive: (status: string) => ({
    en: `The user's membership in the space is ${status}, not ACTIVE.`,
    fr: `L’adhésion de l’utilisateur à l’espace est ${status}, pas ACTIVE.`,
  }),
  membershipExpired: (at: Date) => ({
    en: `The user's membership in the space expired at ${at.toISOString()}.`,
    fr: `L’adhésion de l’utilisateur à l’espace a expiré le ${at.toISOString()}.`,
  }),
  belowClassification: (clearance: number, classification: number) => ({
    en: `The user's effective clearance ${clearance} is below the space's classification ${classification}: the membership does not count.`,
    fr: `L’habilitation effective de l’utilisateur (${clearance}) est inférieure à la classification de l’espace (${classification}) : l’adhésion ne compte pas.`,
  }),
  labelAbove: (label: number, clearance: number) => ({
    en: `The label ${label} is above the user's effective clearance ${clearance}.`,
    fr: `Le label ${label} dépasse l’habilitation effective de l’utilisateur (${clearance}).`,
  }),
  hidden: {
    en: 'It is hidden, and only the space’s OWNERs and ANIMATORs read hidden contributions.',
    fr: 'Il est masqué, et seuls les OWNER et ANIMATOR de l’espace lisent les contributions masquées.',
  },
  hub: {
    en: 'HUB space: an external user reads only what the host or their own organisation wrote, and sees only those members.',
    fr: 'Espace HUB : un externe ne lit que ce qu’ont écrit l’hôte ou sa propre organisation, et ne voit que ces membres.',
  },
  memberDoesNotCount: {
    en: 'The member does not count (disabled, or organisation suspended): they leave member lists.',
    fr: 'Le membre ne compte pas (désactivé, ou organisation suspendue) : il quitte les listes de membres.',
  },
  grantNotActive: {
    en: 'That membership is not active (not ACTIVE, expired, or its member not cleared for the space).',
    fr: 'Cette adhésion n’est pas active (pas ACTIVE, expirée, ou son membre n’est pas habilité pour l’espace).',
  },
  notRelated: {
    en: 'No rule relates them: no shared organisation, no common space where the HUB rule allows it, no contribution the user reads.',
    fr: 'Aucune règle ne les relie : pas d’organisation commune, pas d’espace commun où la règle HUB le permet, pas de contribution que l’utilisateur lit.',
  },
  notReadable: {
    en: 'The user does not read the subject: the gateway answers NOT_FOUND before any write rule.',
    fr: 'L’utilisateur ne lit pas l’objet : la passerelle répond NOT_FOUND avant toute règle d’écriture.',
  },
  roleRequired: (action: string, role: string | null) => ({
    en: `No rule lets the user ${action} here${role ? ` with the role ${role}` : ''} (or they are not its author).`,
    fr: `Aucune règle ne permet à l’utilisateur l’action ${action} ici${role ? ` avec le rôle ${role}` : ''} (ou il n’en est pas l’auteur).`,
  }),
  noRule: { en: 'No rule of the policy allows it.', fr: 'Aucune règle de la politique ne le permet.' },
};
