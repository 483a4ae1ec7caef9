import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { MembershipRole, PartnerVisibility, SpaceStatus } from '../common/domain.enums';
import { NodeInterface } from '../graphql/node.interface';
import { ConnectionType } from '../graphql/pagination';
import { UserModel } from '../users/user.model';
import '../graphql/enums';

@ObjectType('Space', { implements: () => [NodeInterface] })
export class SpaceModel implements NodeInterface {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field()
  purpose: string;

  @Field(() => Int, { description: 'Classification 0-4 (NOT_SIGNIFICANT to STRATEGIC).' })
  classification: number;

  @Field(() => SpaceStatus)
  status: SpaceStatus;

  @Field(() => PartnerVisibility)
  partnerVisibility: PartnerVisibility;

  @Field()
  createdAt: Date;
}

@ObjectType('Membership')
export class MembershipModel {
  @Field(() => ID)
  id: string;

  @Field(() => MembershipRole)
  role: MembershipRole;

  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;

  @Field(() => UserModel)
  user: UserModel;
}

export const SpaceConnection = ConnectionType(SpaceModel, 'Space');
export const MembershipConnection = ConnectionType(MembershipModel, 'Membership');
