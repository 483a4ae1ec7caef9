import { Field, ID, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '../../graphql/pagination';
import { UserModel } from '../../users/models/user.model';

@ObjectType('Reaction')
export class ReactionModel {
  @Field(() => ID)
  id: string;

  @Field()
  kind: string;

  @Field({ description: 'The same as kind.' })
  emoji: string;

  @Field()
  createdAt: Date;

  @Field(() => UserModel, { nullable: true })
  author: UserModel | null;
}

export const ReactionConnection = ConnectionType(ReactionModel, 'Reaction');
