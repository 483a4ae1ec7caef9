import { Field, ID, ObjectType } from '@nestjs/graphql';
import { NodeInterface } from '../../graphql/node.interface';
import { ConnectionType } from '../../graphql/pagination';
import { UserModel } from '../../users/models/user.model';
import { PostModel } from './post.model';

@ObjectType('Comment', { implements: () => [NodeInterface] })
export class CommentModel implements NodeInterface {
  @Field(() => ID)
  id: string;

  @Field()
  body: string;

  @Field()
  createdAt: Date;

  @Field(() => PostModel)
  post: PostModel;

  @Field(() => UserModel)
  author: UserModel;
}

export const CommentConnection = ConnectionType(CommentModel, 'Comment');
