import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { PartnerVisibility, SpaceStatus } from '../../common/domain.enums';
import { NodeInterface } from '../../graphql/node.interface';
import { ConnectionType } from '../../graphql/pagination';
import '../../graphql/enums';

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

export const SpaceConnection = ConnectionType(SpaceModel, 'Space');
