import { Field, Int, ObjectType } from '@nestjs/graphql';
import { SpaceModel } from './space.model';

@ObjectType('SpaceUpdateResult', { description: 'A space after a change, and what the change did around it.' })
export class SpaceUpdateResultModel {
  @Field(() => SpaceModel)
  space: SpaceModel;

  @Field(() => Int, { description: 'Posts whose label was raised to the new classification.' })
  relabelledPosts: number;

  @Field(() => Int, { description: "Memberships suspended because their member's clearance no longer reaches it." })
  suspendedMemberships: number;
}
