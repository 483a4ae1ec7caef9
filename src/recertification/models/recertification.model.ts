import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MembershipRole } from '../../common/domain.enums';
import { RecertificationCampaignStatus } from '../../database/entities/recertification-campaign.entity';
import { RecertificationItemStatus } from '../../database/entities/recertification-item.entity';
import { ConnectionType } from '../../graphql/pagination';
import { ReviewedPersonModel, ReviewedSpaceModel } from './access-review.model';
import '../../graphql/enums';

registerEnumType(RecertificationCampaignStatus, { name: 'RecertificationCampaignStatus' });
registerEnumType(RecertificationItemStatus, { name: 'RecertificationItemStatus' });

@ObjectType('RecertificationProgress')
export class RecertificationProgressModel {
  @Field(() => Int)
  total: number;

  @Field(() => Int)
  certified: number;

  @Field(() => Int)
  revoked: number;

  @Field(() => Int)
  lapsed: number;

  @Field(() => Int)
  pending: number;
}

@ObjectType('RecertificationCampaign', {
  description: 'External grants of one organisation or space to confirm by a deadline; what nobody confirms lapses.',
})
export class RecertificationCampaignModel {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { nullable: true })
  organizationId: string | null;

  @Field(() => ID, { nullable: true })
  spaceId: string | null;

  @Field(() => Date)
  deadline: Date;

  @Field(() => RecertificationCampaignStatus)
  status: RecertificationCampaignStatus;

  @Field(() => ID, { nullable: true })
  startedById: string | null;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  closedAt: Date | null;

  @Field(() => RecertificationProgressModel)
  progress: RecertificationProgressModel;
}

export const RecertificationCampaignConnection = ConnectionType(
  RecertificationCampaignModel,
  'RecertificationCampaign',
);

@ObjectType('RecertificationItem', { description: 'One grant to certify or revoke in a campaign.' })
export class RecertificationItemModel {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  campaignId: string;

  @Field(() => Date)
  deadline: Date;

  @Field(() => RecertificationItemStatus)
  status: RecertificationItemStatus;

  @Field(() => ID)
  membershipId: string;

  @Field(() => ReviewedPersonModel)
  member: ReviewedPersonModel;

  @Field(() => ReviewedSpaceModel)
  space: ReviewedSpaceModel;

  @Field(() => MembershipRole)
  role: MembershipRole;

  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;

  @Field(() => ID, { nullable: true, description: 'The sponsor when the campaign started (null: orphaned).' })
  sponsorId: string | null;

  @Field(() => Date, { nullable: true })
  decidedAt: Date | null;

  @Field(() => ID, { nullable: true })
  decidedById: string | null;

  @Field(() => String, { nullable: true })
  reason: string | null;
}

export const RecertificationItemConnection = ConnectionType(RecertificationItemModel, 'RecertificationItem');

@ObjectType('RecertificationDecision', { description: 'The outcome of certifyGrant or revokeGrant.' })
export class RecertificationDecisionModel {
  @Field(() => ID)
  itemId: string;

  @Field(() => ID)
  campaignId: string;

  @Field(() => ID)
  membershipId: string;

  @Field(() => RecertificationItemStatus)
  status: RecertificationItemStatus;

  @Field(() => Date)
  decidedAt: Date;
}
