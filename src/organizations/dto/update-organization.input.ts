import { Field, ID, InputType, Int } from '@nestjs/graphql';

@InputType({ description: 'Only the fields given change; sponsorId null removes the sponsor.' })
export class UpdateOrganizationInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'The whole new list; a domain an IdP connection still asserts cannot be removed.',
  })
  domains?: string[] | null;

  @Field(() => Int, {
    nullable: true,
    description: "Re-evaluates the memberships of the organisation's people at once.",
  })
  clearanceCap?: number | null;

  @Field(() => ID, { nullable: true })
  sponsorId?: string | null;
}
