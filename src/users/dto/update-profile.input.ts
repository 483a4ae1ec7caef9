import { Field, InputType } from '@nestjs/graphql';

@InputType({ description: "The caller's own profile in the directory of experts; only the fields given change." })
export class UpdateProfileInput {
  @Field(() => String, { nullable: true, description: 'Up to 120 characters; an empty title clears it.' })
  jobTitle?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'The whole new set: up to 30 tags of 1-40 characters, trimmed, deduplicated ignoring case.',
  })
  skills?: string[] | null;

  @Field(() => String, { nullable: true, description: 'A short presentation, up to 1,000 characters.' })
  bio?: string | null;

  @Field(() => Boolean, { nullable: true, description: "True keeps the profile out of externals' directory." })
  hiddenFromExternals?: boolean | null;
}
