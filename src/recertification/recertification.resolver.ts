import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { RecertificationItemStatus } from '../database/entities/recertification-item.entity';
import { WriteActor } from '../access/write-runner';
import { Connection, PageArgs } from '../graphql/pagination';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { reviewerOf } from './access-review.resolver';
import { RecertificationScopeInput } from './dto/start-recertification.input';
import {
  RecertificationCampaignConnection,
  RecertificationCampaignModel,
  RecertificationDecisionModel,
  RecertificationItemConnection,
  RecertificationItemModel,
} from './models/recertification.model';
import { ItemRow } from './recertification.repository';
import { CampaignWithProgress, ItemDecision, RecertificationService } from './recertification.service';

function actorOf(v: Viewer): WriteActor {
  return { principal: v.principal, ability: v.ability, requestId: v.ctx.req.requestId };
}

/** Recertification campaigns: start (overseers), decide (sponsors, OWNERs, HOST_ADMIN), follow. */
@Resolver(() => RecertificationCampaignModel)
export class RecertificationResolver {
  constructor(private readonly recertification: RecertificationService) {}

  @Mutation(() => RecertificationCampaignModel, {
    description:
      'Snapshots every live external grant of an organisation or a space for its sponsor (or, orphaned, the space’s OWNERs) to certify or revoke by the deadline; what nobody confirms lapses. HOST_ADMIN and SECURITY_REVIEWER.',
  })
  async startRecertification(
    @CurrentViewer() v: Viewer,
    @Args('scope') scope: RecertificationScopeInput,
    @Args('deadline', { type: () => Date }) deadline: Date,
  ): Promise<RecertificationCampaignModel> {
    return campaignOf(await this.recertification.start(actorOf(v), scope, deadline));
  }

  @Mutation(() => RecertificationDecisionModel, {
    description: 'Confirms a grant in a campaign: its sponsor, the space’s OWNERs or a HOST_ADMIN.',
  })
  async certifyGrant(
    @CurrentViewer() v: Viewer,
    @Args('itemId', { type: () => ID }) itemId: string,
  ): Promise<RecertificationDecisionModel> {
    return decisionOf(await this.recertification.certify(actorOf(v), itemId));
  }

  @Mutation(() => RecertificationDecisionModel, {
    description:
      'Ends a grant in a campaign as revokeMembership does: its sponsor, the space’s OWNERs or a HOST_ADMIN.',
  })
  async revokeGrant(
    @CurrentViewer() v: Viewer,
    @Args('itemId', { type: () => ID }) itemId: string,
    @Args('reason', { type: () => String, nullable: true, description: 'Up to 1,000 characters.' })
    reason?: string | null,
  ): Promise<RecertificationDecisionModel> {
    return decisionOf(await this.recertification.revoke(actorOf(v), itemId, reason));
  }

  @Query(() => RecertificationCampaignConnection, {
    description: 'Campaigns, newest first, with their progress: HOST_ADMIN and SECURITY_REVIEWER.',
  })
  async recertificationCampaigns(
    @CurrentViewer() v: Viewer,
    @Args() page: PageArgs,
  ): Promise<Connection<RecertificationCampaignModel>> {
    const found = await this.recertification.campaigns(reviewerOf(v), page);
    return {
      pageInfo: found.pageInfo,
      edges: found.edges.map((e) => ({ cursor: e.cursor, node: campaignOf(e.node) })),
      get totalCount() {
        return found.totalCount;
      },
    };
  }

  @Query(() => RecertificationCampaignModel, { description: 'One campaign with its progress (reviewers).' })
  async recertificationCampaign(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<RecertificationCampaignModel> {
    return campaignOf(await this.recertification.campaign(reviewerOf(v), id));
  }

  @ResolveField(() => RecertificationItemConnection, {
    description:
      'The campaign’s grants, oldest first, with their decisions (whoever reads the campaign: HOST_ADMIN and SECURITY_REVIEWER); names only of people and spaces the caller sees.',
  })
  async items(
    @Parent() campaign: RecertificationCampaignModel,
    @CurrentViewer() v: Viewer,
    @Args() page: PageArgs,
    @Args('status', {
      type: () => RecertificationItemStatus,
      nullable: true,
      description: 'Only the items in this status.',
    })
    status?: RecertificationItemStatus | null,
  ): Promise<Connection<RecertificationItemModel>> {
    const found = await this.recertification.campaignItems(reviewerOf(v), campaign.id, status ?? null, page);
    return {
      pageInfo: found.pageInfo,
      edges: found.edges.map((e) => ({ cursor: e.cursor, node: itemOf(e.node) })),
      get totalCount() {
        return found.totalCount;
      },
    };
  }

  @Query(() => RecertificationItemConnection, {
    description: 'The caller’s own grants to certify or revoke in open campaigns, oldest first.',
  })
  async myRecertificationItems(
    @CurrentViewer() v: Viewer,
    @Args() page: PageArgs,
  ): Promise<Connection<RecertificationItemModel>> {
    const found = await this.recertification.myItems(reviewerOf(v), page);
    return {
      pageInfo: found.pageInfo,
      edges: found.edges.map((e) => ({ cursor: e.cursor, node: itemOf(e.node) })),
      get totalCount() {
        return found.totalCount;
      },
    };
  }
}

function campaignOf(c: CampaignWithProgress): RecertificationCampaignModel {
  return {
    id: c.id,
    organizationId: c.scopeOrganizationId,
    spaceId: c.scopeSpaceId,
    deadline: c.deadline,
    status: c.status,
    startedById: c.startedById,
    createdAt: c.createdAt,
    closedAt: c.closedAt,
    progress: c.progress,
  };
}

function decisionOf(d: ItemDecision): RecertificationDecisionModel {
  return {
    itemId: d.id,
    campaignId: d.campaignId,
    membershipId: d.membershipId,
    status: d.status,
    decidedAt: d.decidedAt,
  };
}

function itemOf(r: ItemRow): RecertificationItemModel {
  return {
    id: r.id,
    campaignId: r.campaignId,
    deadline: r.deadline,
    status: r.status,
    membershipId: r.membershipId,
    member: { id: r.memberId, displayName: r.memberName },
    space: { id: r.spaceId, classification: r.classification, name: r.spaceName },
    role: r.role,
    expiresAt: r.expiresAt,
    sponsorId: r.sponsorId,
    decidedAt: r.decidedAt,
    decidedById: r.decidedById,
    reason: r.reason,
  };
}
