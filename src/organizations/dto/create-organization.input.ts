import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { OrganizationKind } from '../../common/domain.enums';
import '../../graphql/enums';

@InputType()
export class CreateOrganizationInput {
  @Field({ description: '1 to 200 characters, trimmed.' })
  name: string;

  @Field(() => OrganizationKind, { description: 'PARTNER or CLIENT: there is exactly one HOST.' })
  kind: OrganizationKind;

  @Field(() => [String], { description: 'Verified email domains (stored lower-case), held by no other organisation.' })
  domains: string[];

  @Field(() => Int, { nullable: true, description: 'Highest effective clearance of its people, 0-4 (default 1).' })
  clearanceCap?: number | null;

  @Field(() => ID, { nullable: true, description: 'The internal sponsor: an active host user.' })
  sponsorId?: string | null;
}
