import { Field, InputType } from '@nestjs/graphql';
import { MembershipRole } from '../../common/domain.enums';
import '../../graphql/enums';

/** A change to a grant; at least one field. The same value rules as an invitation's grant. */
@InputType()
export class UpdateMembershipInput {
  @Field(() => MembershipRole, { nullable: true })
  role?: MembershipRole | null;

  @Field(() => Date, {
    nullable: true,
    description:
      'New expiry. External grants: at most 365 days from now (30 while a critical risk is open); null (host members only) removes it.',
  })
  expiresAt?: Date | null;
}
