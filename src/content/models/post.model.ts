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

  @Field(() => Date, { nullable: true, description: 'The last edit.' })
  editedAt: Date | null;

  @Field({ description: 'Deleted by its author: a tombstone, title and body erased, the thread kept.' })
  deleted: boolean;

  @Field(() => Date, { nullable: true })
  deletedAt: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why moderation hid it; only those who read hidden posts ever get a hidden post.',
  })
  hiddenReason: string | null;

  @Field(() => Date, { nullable: true })
  hiddenAt: Date | null;

  @Field(() => Int, { description: 'Comments on this post that the caller sees.' })
  commentCount: number;

  @Field(() => SpaceModel)
  space: SpaceModel;

  @Field(() => UserModel)
  author: UserModel;
}

export const PostConnection = ConnectionType(PostModel, 'Post');
