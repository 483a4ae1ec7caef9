import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('ReactionCount', { description: 'Reactions of one emoji that the caller sees.' })
export class ReactionCountModel {
  @Field()
  emoji: string;

  @Field(() => Int)
  count: number;

  @Field()
  reactedByMe: boolean;
}
