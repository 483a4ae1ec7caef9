import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { NodeInterface } from '../../graphql/node.interface';
import { ConnectionType } from '../../graphql/pagination';
import { SpaceModel } from '../../spaces/models/space.model';
import { UserModel } from '../../users/models/user.model';

@ObjectType('Post', { implements: () => [NodeInterface] })
export class PostModel implements NodeInterface {
  @Field(() => ID)
  id: string;

  @Field()
  title: string;

  @Field()
  body: string;

  @Field(() => Int, { description: 'Sensitivity 0-4, never below the space classification.' })
  label: number;

  @Field()
  createdAt: Date;

  @Field({ description: 'Hidden by moderation; only OWNER and ANIMATOR of the space read hidden posts.' })
  hidden: boolean;

  @Field(() => Int, { description: 'Comments on this post that the caller sees.' })
  commentCount: number;

  @Field(() => SpaceModel)
  space: SpaceModel;

  @Field(() => UserModel)
  author: UserModel;
}

export const PostConnection = ConnectionType(PostModel, 'Post');
