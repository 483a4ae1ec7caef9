import { Field, InputType, Int } from '@nestjs/graphql';
import { PartnerVisibility, SpaceStatus } from '../../common/domain.enums';
import '../../graphql/enums';

@InputType({ description: 'Only the fields given change.' })
export class UpdateSpaceInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  purpose?: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Raising it raises every post label below it and suspends the memberships of members no longer cleared; lowering it changes no label.',
  })
  classification?: number | null;

  @Field(() => SpaceStatus, { nullable: true, description: 'PILOT or ACTIVE; archiving is archiveSpace.' })
  status?: SpaceStatus | null;

  @Field(() => PartnerVisibility, { nullable: true })
  partnerVisibility?: PartnerVisibility | null;
}
