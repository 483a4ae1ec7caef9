import { Field, ObjectType } from '@nestjs/graphql';

/** What the caller may do with one invitation. */
@ObjectType('InvitationPermissions')
export class InvitationPermissionsModel {
  @Field({ description: 'approveInvitation and rejectInvitation: a second OWNER or a HOST_ADMIN, never the inviter.' })
  approve: boolean;

  @Field({ description: 'revokeInvitation: the inviter, the space’s OWNERs, HOST_ADMIN.' })
  revoke: boolean;
}
