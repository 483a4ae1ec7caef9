import { ArgsType, Field, ID } from '@nestjs/graphql';
import { PageArgs } from '../../graphql/pagination';
import { AccessReviewFlag } from '../models/access-review.model';

@ArgsType()
export class AccessReviewArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Review one organisation’s external grants (give this or spaceId).' })
  organizationId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Review one space’s external grants (give this or organizationId).' })
  spaceId?: string | null;

  @Field(() => [AccessReviewFlag], {
    nullable: true,
    description: 'Only grants carrying at least one of these flags (the summary always counts the whole scope).',
  })
  flags?: AccessReviewFlag[] | null;
}
