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

  @Field(() => Date, { nullable: true, description: 'The last edit.' })
  editedAt: Date | null;

  @Field({ description: 'Deleted by its author: a tombstone, body erased.' })
  deleted: boolean;

  @Field(() => Date, { nullable: true })
  deletedAt: Date | null;

  @Field({ description: "Hidden by moderation; only the space's OWNERs and ANIMATORs read hidden comments." })
  hidden: boolean;

  @Field(() => String, { nullable: true, description: 'Why moderation hid it.' })
  hiddenReason: string | null;

  @Field(() => Date, { nullable: true })
  hiddenAt: Date | null;

  @Field(() => PostModel)
  post: PostModel;

  @Field(() => UserModel)
  author: UserModel;
}

export const CommentConnection = ConnectionType(CommentModel, 'Comment');
