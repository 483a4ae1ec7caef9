import { ArgsType, Field } from '@nestjs/graphql';
import { InvitationStatus } from '../../common/domain.enums';
import { PageArgs } from '../../graphql/pagination';
import '../../graphql/enums';

@ArgsType()
export class SpaceInvitationsArgs extends PageArgs {
  @Field(() => InvitationStatus, {
    nullable: true,
    description: 'Only invitations in this status (as read: an open one past its expiry is EXPIRED).',
  })
  status?: InvitationStatus | null;
}
