import { Field, ID, InputType, Int } from '@nestjs/graphql';

@InputType()
export class CreatePostInput {
  @Field(() => ID)
  spaceId: string;

  @Field({ description: 'A title of 1 to 300 characters (trimmed).' })
  title: string;

  @Field({ description: 'Markdown, 1 to 50,000 characters (trimmed); `@<user id>` mentions someone.' })
  body: string;

  @Field(() => Int, {
    nullable: true,
    description: "Sensitivity 0-4; defaults to the space's classification, never below it nor above your clearance.",
  })
  label?: number | null;
}
