import { Field, InputType, Int } from '@nestjs/graphql';
import { PartnerVisibility, SpaceStatus } from '../../common/domain.enums';
import '../../graphql/enums';

@InputType()
export class CreateSpaceInput {
  @Field({ description: '1 to 200 characters, trimmed.' })
  name: string;

  @Field(() => String, { nullable: true, description: 'At most 5,000 characters.' })
  purpose?: string | null;

  @Field(() => Int, { description: 'Classification 0-4; a host user opens spaces up to their effective clearance.' })
  classification: number;

  @Field(() => SpaceStatus, {
    nullable: true,
    description: 'PILOT or ACTIVE (default); ARCHIVED only through archiveSpace.',
  })
  status?: SpaceStatus | null;

  @Field(() => PartnerVisibility, { nullable: true, description: 'Default OPEN.' })
  partnerVisibility?: PartnerVisibility | null;
}
