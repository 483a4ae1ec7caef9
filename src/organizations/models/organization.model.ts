import { Field, ID, ObjectType } from '@nestjs/graphql';
import { OrganizationKind } from '../../common/domain.enums';
import { NodeInterface } from '../../graphql/node.interface';
import { ConnectionType } from '../../graphql/pagination';
import '../../graphql/enums';

@ObjectType('Organization', { implements: () => [NodeInterface] })
export class OrganizationModel implements NodeInterface {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => OrganizationKind)
  kind: OrganizationKind;
}

export const OrganizationConnection = ConnectionType(OrganizationModel, 'Organization');
