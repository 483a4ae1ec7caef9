import { Field, InputType, Int } from '@nestjs/graphql';
import { Locale, UserRole } from '../../common/domain.enums';
import '../../graphql/enums';

@InputType({ description: 'Only the fields given change.' })
export class UpdateUserInput {
  @Field(() => Int, {
    nullable: true,
    description:
      "Clearance 0-4. A PARTNER_ADMIN sets it within the organisation's cap; a HOST_ADMIN may store any level (the cap still caps the effective clearance).",
  })
  clearance?: number | null;

  @Field(() => [UserRole], {
    nullable: true,
    description: 'The whole new set: HOST_ADMIN and SECURITY_REVIEWER on host users, PARTNER_ADMIN on others.',
  })
  roles?: UserRole[] | null;

  @Field(() => Locale, { nullable: true, description: 'Everyone may set their own.' })
  locale?: Locale | null;

  @Field(() => String, {
    nullable: true,
    description: 'Profile (directory of experts), the person themself only: up to 120 characters; empty clears it.',
  })
  jobTitle?: string | null;

  @Field(() => [String], {
    nullable: true,
    description:
      'Profile, the person themself only: up to 30 tags of 1-40 characters, trimmed, deduplicated ignoring case.',
  })
  skills?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Profile, the person themself only: up to 1,000 characters.' })
  bio?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "Profile, the person themself only: keeps them out of externals' directory of experts.",
  })
  hiddenFromExternals?: boolean | null;
}
