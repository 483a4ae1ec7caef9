import { Field, ID, InputType } from '@nestjs/graphql';
import { MembershipRole } from '../../common/domain.enums';
import '../../graphql/enums';

@InputType()
export class InviteToSpaceInput {
  @Field(() => ID)
  spaceId: string;

  @Field(() => String, {
    nullable: true,
    description:
      "The invitee's address; its domain must be a verified domain of a registered organisation. Exactly one of email and organizationId.",
  })
  email?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'A partner or client organisation, all of whose current and future users may accept.',
  })
  organizationId?: string | null;

  @Field(() => MembershipRole, {
    description: 'Externals: MEMBER or OBSERVER. Only an OWNER invites an OWNER or ANIMATOR.',
  })
  role: MembershipRole;

  @Field(() => Date, {
    nullable: true,
    description:
      'When the granted membership ends. Externals: 90 days by default, 365 at most (30 while a critical risk is open).',
  })
  expiresAt?: Date | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Externals: the internal sponsor of the grant (default: the inviter).',
  })
  sponsorId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A word for the invitee, shown in the mail (2,000 characters at most).',
  })
  message?: string | null;
}
