import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('PostRevision', { description: 'A version of a post that an edit replaced.' })
export class PostRevisionModel {
  @Field()
  title: string;

  @Field()
  body: string;

  @Field(() => Int)
  label: number;

  @Field()
  replacedAt: Date;
}

@ObjectType('CommentRevision', { description: 'A version of a comment that an edit replaced.' })
export class CommentRevisionModel {
  @Field()
  body: string;

  @Field()
  replacedAt: Date;
}
