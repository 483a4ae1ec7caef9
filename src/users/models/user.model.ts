import { Field, ID, ObjectType } from '@nestjs/graphql';
import { NodeInterface } from '../../graphql/node.interface';
import { ConnectionType } from '../../graphql/pagination';
import { OrganizationModel } from '../../organizations/models/organization.model';

@ObjectType('User', { implements: () => [NodeInterface] })
export class UserModel implements NodeInterface {
  @Field(() => ID)
  id: string;

  @Field()
  displayName: string;

  @Field(() => String, {
    nullable: true,
    description: "Null where the confidentiality rule hides it: a partner never sees another partner's address.",
  })
  email: string | null;

  @Field(() => String, { nullable: true })
  jobTitle: string | null;

  @Field(() => [String])
  skills: string[];

  @Field(() => String, { description: 'A short presentation for the directory of experts ("" when none).' })
  bio: string;

  @Field(() => OrganizationModel)
  organization: OrganizationModel;
}

export const UserConnection = ConnectionType(UserModel, 'User');
