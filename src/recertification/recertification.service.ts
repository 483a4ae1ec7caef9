import { Injectable } from '@nestjs/common';
import { DenialService } from '../access/denial.service';
import { asSubject } from '../access/subjects';
import { WriteErrorCode, WriteException } from '../access/write.exception';
import { WriteActor, WriteRunner, WriteTx } from '../access/write-runner';
import { membershipActiveUntil } from '../auth/membership-rules';
import { Clock } from '../common/clock';
import { MembershipStatus, SpaceStatus } from '../common/domain.enums';
import { parseId } from '../common/ids';
import { AppConfig } from '../config/app-config';
import {
  RecertificationCampaign,
  RecertificationCampaignStatus,
} from '../database/entities/recertification-campaign.entity';
import { RecertificationItemStatus } from '../database/entities/recertification-item.entity';
import { Connection, decodeCursor, PageArgs, pageSize, toConnection } from '../graphql/pagination';
import { MailInput, MailService } from '../mail/mail.service';
import { MembershipsRepository } from '../memberships/memberships.repository';
import { MembershipsService } from '../memberships/memberships.service';
import { NotificationsService, NotifyInput } from '../notifications/notifications.service';
import { AccessReviewErrorCode } from './access-review.exception';
import { AccessReviewService, Reviewer } from './access-review.service';
import { ItemRow, Progress, RecertificationRepository, SnapshotGrant } from './recertification.repository';

const DAY_MS = 86_400_000;
/** A campaign runs a year at most. */
export const MAX_CAMPAIGN_DAYS = 365;
const MAX_REASON_LENGTH = 1000;

export type CampaignWithProgress = RecertificationCampaign & { progress: Progress };

/**
 * Recertification campaigns (issue 10 item 5). startRecertification snapshots the live
 * external grants of an organisation or space as items given to their sponsors (or, for an
 * orphaned grant, the space's OWNERs), who are told in the same transaction. certifyGrant and
 * revokeGrant are for the grant's sponsor, the space's OWNERs and HOST_ADMIN (`certify`
 * Membership); revoking ends the grant as revokeMembership does. What nobody decides by the
 * deadline lapses (recertification.jobs.ts). Each write runs in WriteRunner: one transaction
 * with its audit event, and every refusal audited with its code.
 */
@Injectable()
export class RecertificationService {
  constructor(
    private readonly writes: WriteRunner,
    private readonly repository: RecertificationRepository,
    private readonly grants: MembershipsRepository,
    private readonly memberships: MembershipsService,
    private readonly review: AccessReviewService,
    private readonly notifications: NotificationsService,
    private readonly mail: MailService,
    private readonly denials: DenialService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  start(
    actor: WriteActor,
    scopeInput: { organizationId?: string | null; spaceId?: string | null },
    deadline: Date,
  ): Promise<CampaignWithProgress> {
    return this.writes.run(actor, 'recertification.start', { type: 'RecertificationCampaign' }, async (tx) => {
      const now = this.clock.now();
      const scope = await this.scopeFor(tx, actor, scopeInput);
      if (!actor.ability.can('create', 'RecertificationCampaign')) {
        throw new WriteException(
          WriteErrorCode.ROLE_REQUIRED,
          'Only HOST_ADMIN and SECURITY_REVIEWER start recertification campaigns',
          {
            subjectType: scope.organizationId ? 'Organization' : 'Space',
            subjectId: scope.organizationId ?? scope.spaceId,
          },
        );
      }
      if (deadline.getTime() <= now.getTime()) {
        throw new WriteException(WriteErrorCode.EXPIRY_IN_PAST, 'The deadline must be in the future', {
          deadline: deadline.toISOString(),
        });
      }
      if (deadline.getTime() > now.getTime() + MAX_CAMPAIGN_DAYS * DAY_MS) {
        throw new WriteException(WriteErrorCode.EXPIRY_TOO_LATE, `A campaign lasts ${MAX_CAMPAIGN_DAYS} days at most`, {
          deadline: deadline.toISOString(),
        });
      }
      const snapshot = await this.repository.lockGrantsInScope(tx.manager, scope, now);
      if (!snapshot.length) {
        throw new WriteException(
          WriteErrorCode.NOTHING_TO_CERTIFY,
          'No live external grant in this scope that is not already pending in an open campaign',
          {
            subjectType: scope.organizationId ? 'Organization' : 'Space',
            subjectId: scope.organizationId ?? scope.spaceId,
          },
        );
      }
      const campaign = await tx.manager.save(
        RecertificationCampaign,
        tx.manager.create(RecertificationCampaign, {
          scopeOrganizationId: scope.organizationId ?? null,
          scopeSpaceId: scope.spaceId ?? null,
          deadline,
          status: RecertificationCampaignStatus.OPEN,
          startedById: actor.principal.userId,
          closedAt: null,
        }),
      );
      const items = await this.assign(tx, snapshot, now);
      await this.repository.insertItems(tx.manager, campaign.id, items);
      const byAssignee = new Map<string, number>();
      for (const { assigneeIds } of items) for (const a of assigneeIds) byAssignee.set(a, (byAssignee.get(a) ?? 0) + 1);
      await this.tellAssignees(tx, campaign, byAssignee);
      tx.audit({
        subjectType: 'RecertificationCampaign',
        subjectId: campaign.id,
        details: {
          scope,
          deadline: deadline.toISOString(),
          items: items.length,
          assignees: Object.fromEntries(byAssignee),
          unassigned: items.filter((i) => !i.assigneeIds.length).map((i) => i.grant.membershipId),
        },
      });
      return {
        ...campaign,
        progress: { total: items.length, certified: 0, revoked: 0, lapsed: 0, pending: items.length },
      };
    });
  }

  certify(actor: WriteActor, itemId: string): Promise<ItemDecision> {
    return this.decide(actor, itemId, 'recertification.certify', RecertificationItemStatus.CERTIFIED, null);
  }

  revoke(actor: WriteActor, itemId: string, reason: string | null | undefined): Promise<ItemDecision> {
    return this.decide(actor, itemId, 'recertification.revoke', RecertificationItemStatus.REVOKED, reason ?? null);
  }

  async campaigns(reviewer: Reviewer, page: PageArgs): Promise<Connection<CampaignWithProgress>> {
    await this.requireCampaignReader(reviewer);
    const found = await this.repository.pageCampaigns(reviewer.ability, page);
    const progress = await this.repository.progressOf(found.edges.map((e) => e.node.id));
    // Not spread: spreading reads totalCount, which would count the campaigns unasked.
    return {
      pageInfo: found.pageInfo,
      edges: found.edges.map((e) => ({
        get cursor() {
          return e.cursor;
        },
        node: { ...e.node, progress: progress.get(e.node.id) ?? EMPTY },
      })),
      get totalCount() {
        return found.totalCount;
      },
    };
  }

  async campaign(reviewer: Reviewer, rawId: string): Promise<CampaignWithProgress> {
    const id = parseId(rawId);
    const campaign = id ? await this.repository.findVisibleCampaign(reviewer.ability, id) : null;
    if (!campaign) {
      throw await this.denials.notFound(reviewer.principal, 'RecertificationCampaign', rawId, reviewer.requestId);
    }
    const progress = await this.repository.progressOf([campaign.id]);
    return { ...campaign, progress: progress.get(campaign.id) ?? EMPTY };
  }

  /** A campaign's items, for whoever reads it (its visibility was checked where it was loaded, and again in SQL). */
  async campaignItems(
    reviewer: Reviewer,
    campaignId: string,
    status: RecertificationItemStatus | null,
    page: PageArgs,
  ): Promise<Connection<ItemRow>> {
    const first = pageSize(page.first);
    const after = decodeCursor(page.after, ['date', 'uuid']) as [Date, string] | null;
    const { ability } = reviewer;
    const rows = await this.repository.pageCampaignItems(ability, campaignId, status, after, first + 1);
    return toConnection(
      rows,
      first,
      (r) => [r.createdAt, r.id],
      () => this.repository.countCampaignItems(ability, campaignId, status),
    );
  }

  async myItems(reviewer: Reviewer, page: PageArgs): Promise<Connection<ItemRow>> {
    const first = pageSize(page.first);
    const after = decodeCursor(page.after, ['date', 'uuid']) as [Date, string] | null;
    const { ability, principal } = reviewer;
    const rows = await this.repository.pageMyItems(ability, principal.userId, after, first + 1);
    return toConnection(
      rows,
      first,
      (r) => [r.createdAt, r.id],
      () => this.repository.countMyItems(ability, principal.userId),
    );
  }

  /** The organisation or space of a new campaign, visible to the caller (NOT_FOUND otherwise). */
  private async scopeFor(
    tx: WriteTx,
    actor: WriteActor,
    input: { organizationId?: string | null; spaceId?: string | null },
  ): Promise<{ organizationId?: string; spaceId?: string }> {
    const given = [input.organizationId, input.spaceId].filter((v) => v !== null && v !== undefined);
    if (given.length !== 1) {
      throw new WriteException(WriteErrorCode.INVALID_INPUT, 'Give scope.organizationId or scope.spaceId, not both');
    }
    const subject = input.organizationId ? 'Organization' : 'Space';
    const raw = (input.organizationId ?? input.spaceId) as string;
    const id = parseId(raw);
    const found = id ? await this.repository.visibleScopeId(tx.manager, actor.ability, subject, id) : null;
    if (!found) throw WriteException.notFound(subject, raw);
    return subject === 'Organization' ? { organizationId: found } : { spaceId: found };
  }

  /** Each grant goes to its sponsor; an orphaned one to its space's OWNERs who run it now. */
  private async assign(
    tx: WriteTx,
    snapshot: SnapshotGrant[],
    now: Date,
  ): Promise<{ grant: SnapshotGrant; assigneeIds: string[] }[]> {
    const owners = new Map<string, string[]>();
    const out: { grant: SnapshotGrant; assigneeIds: string[] }[] = [];
    for (const grant of snapshot) {
      if (!grant.orphaned && grant.sponsorId) {
        out.push({ grant, assigneeIds: [grant.sponsorId] });
        continue;
      }
      if (!owners.has(grant.spaceId)) {
        owners.set(grant.spaceId, await this.grants.liveOwnerIds(tx.manager, grant.spaceId, now));
      }
      out.push({ grant, assigneeIds: owners.get(grant.spaceId) ?? [] });
    }
    return out;
  }

  private async tellAssignees(tx: WriteTx, campaign: RecertificationCampaign, byAssignee: Map<string, number>) {
    const notices: NotifyInput[] = [];
    const mails: MailInput[] = [];
    for (const [userId, count] of byAssignee) {
      const data = { campaignId: campaign.id, count, deadlineAt: campaign.deadline.toISOString() };
      notices.push({
        userId,
        kind: 'recertification.requested',
        subjectType: 'RecertificationCampaign',
        subjectId: campaign.id,
        data,
      });
      mails.push({
        to: { userId },
        template: 'recertification.requested',
        params: { count, deadlineAt: data.deadlineAt, link: this.link() },
        subjectType: 'RecertificationCampaign',
        subjectId: campaign.id,
      });
    }
    await this.notifications.notify(tx.manager, notices);
    await this.mail.enqueue(tx.manager, mails);
  }

  /**
   * One decision on an item, in the house order: the caller sees it (NOT_FOUND like a missing
   * one), may decide it (FORBIDDEN), then its state (CONFLICT with a reason) and the values.
   * Locks the item, then the grant's space and row (as revokeMembership does).
   */
  private decide(
    actor: WriteActor,
    rawId: string,
    action: string,
    outcome: RecertificationItemStatus.CERTIFIED | RecertificationItemStatus.REVOKED,
    reason: string | null,
  ): Promise<ItemDecision> {
    return this.writes.run(actor, action, { type: 'RecertificationItem', id: rawId }, async (tx) => {
      const now = this.clock.now();
      const id = parseId(rawId);
      const item = id ? await this.repository.lockItem(tx.manager, id) : null;
      const grant = item ? await this.grants.lockGrant(tx.manager, { id: item.membershipId }) : null;
      if (!item || !grant) throw WriteException.notFound('RecertificationItem', rawId);
      const m = grant.membership;
      const facts = asSubject('Membership', { id: m.id, spaceId: m.spaceId, userId: m.userId, sponsorId: m.sponsorId });
      const mayDecide = actor.ability.can('certify', facts);
      const sees =
        mayDecide || actor.ability.can('read', asSubject('RecertificationCampaign', { id: item.campaignId }));
      if (!sees) throw WriteException.notFound('RecertificationItem', rawId);
      if (!mayDecide) {
        throw new WriteException(
          WriteErrorCode.ROLE_REQUIRED,
          'Only the grant’s sponsor, the space’s OWNERs or a HOST_ADMIN certify or revoke it',
          { subjectId: item.id },
        );
      }
      if (item.status !== RecertificationItemStatus.PENDING) {
        throw new WriteException(WriteErrorCode.ITEM_DECIDED, `This grant was already ${item.status.toLowerCase()}`, {
          subjectId: item.id,
          status: item.status,
        });
      }
      if (now.getTime() >= new Date(item.deadline).getTime()) {
        throw new WriteException(WriteErrorCode.DEADLINE_PASSED, 'The campaign’s deadline has passed', {
          subjectId: item.id,
          deadline: new Date(item.deadline).toISOString(),
        });
      }
      const live =
        (m.status === MembershipStatus.ACTIVE || m.status === MembershipStatus.SUSPENDED) &&
        membershipActiveUntil(m).getTime() > now.getTime();
      if (!live) {
        throw new WriteException(WriteErrorCode.MEMBERSHIP_NOT_ACTIVE, 'This grant has ended meanwhile', {
          subjectId: item.id,
          membershipId: m.id,
          status: m.status,
        });
      }
      if (grant.space.status === SpaceStatus.ARCHIVED) {
        throw new WriteException(WriteErrorCode.SPACE_ARCHIVED, 'The space is archived: its grants cannot change', {
          subjectId: item.id,
          spaceId: grant.space.id,
        });
      }
      let why: string | null = null;
      if (outcome === RecertificationItemStatus.REVOKED) {
        why = reason?.trim() || 'not recertified';
        if (why.length > MAX_REASON_LENGTH) {
          throw new WriteException(
            WriteErrorCode.INVALID_INPUT,
            `A reason has ${MAX_REASON_LENGTH} characters at most`,
            {
              subjectId: item.id,
            },
          );
        }
        await this.memberships.revokeLocked(tx, grant, why, actor.principal.displayName, now);
      }
      await this.repository.decide(tx.manager, item.id, outcome, actor.principal.userId, now, why);
      tx.audit({
        subjectType: 'RecertificationItem',
        subjectId: item.id,
        details: {
          campaignId: item.campaignId,
          membershipId: m.id,
          spaceId: m.spaceId,
          memberId: m.userId,
          reason: why,
        },
      });
      return { id: item.id, campaignId: item.campaignId, membershipId: m.id, status: outcome, decidedAt: now };
    });
  }

  private async requireCampaignReader(reviewer: Reviewer): Promise<void> {
    if (reviewer.ability.can('read', 'RecertificationCampaign')) return;
    throw await this.review.refuse(
      reviewer,
      'recertification.list',
      null,
      AccessReviewErrorCode.ROLE_REQUIRED,
      'Only HOST_ADMIN and SECURITY_REVIEWER read recertification campaigns',
    );
  }

  private link(): string {
    return `${this.config.publicUrl}/review/recertification`;
  }
}

export interface ItemDecision {
  id: string;
  campaignId: string;
  membershipId: string;
  status: RecertificationItemStatus;
  decidedAt: Date;
}

const EMPTY: Progress = { total: 0, certified: 0, revoked: 0, lapsed: 0, pending: 0 };
