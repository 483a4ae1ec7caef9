import { Field, ID, ObjectType } from '@nestjs/graphql';
import { MembershipRole } from '../../common/domain.enums';
import { ConnectionType } from '../../graphql/pagination';
import { UserModel } from '../../users/models/user.model';
import '../../graphql/enums';

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

export const MembershipConnection = ConnectionType(MembershipModel, 'Membership');
