import { Field, ObjectType } from '@nestjs/graphql';

/**
 * What the caller may do in a space, from the same CASL rules the mutations check: the portal
 * offers a control only where the API would accept it. A refusal still comes from the mutation.
 */
@ObjectType('SpacePermissions')
export class SpacePermissionsModel {
  @Field({ description: 'createPost: an active membership that writes (not OBSERVER).' })
  post: boolean;

  @Field({ description: 'inviteToSpace: the space’s OWNERs and ANIMATORs.' })
  invite: boolean;

  @Field({ description: 'updateSpace: the space’s OWNERs, HOST_ADMIN.' })
  update: boolean;

  @Field({ description: 'hidePost, unhidePost, hideComment, unhideComment, relabelPost: OWNERs and ANIMATORs.' })
  moderate: boolean;

  @Field({ description: 'riskMap: OWNERs, ANIMATORs, security reviewers.' })
  readRisks: boolean;

  @Field({ description: 'createRiskEntry and updateRiskEntry: OWNERs, ANIMATORs, security reviewers.' })
  manageRisks: boolean;

  @Field({ description: 'spaceHealth: OWNERs, ANIMATORs, HOST_ADMIN.' })
  readHealth: boolean;
}

/** What the caller may do with one grant (the rules of updateMembership and its siblings). */
@ObjectType('MembershipPermissions')
export class MembershipPermissionsModel {
  @Field({ description: 'updateMembership and extendMembership.' })
  update: boolean;

  @Field({ description: 'renewMembership: its sponsor, or whoever may change it.' })
  renew: boolean;

  @Field({ description: 'revokeMembership.' })
  revoke: boolean;
}
