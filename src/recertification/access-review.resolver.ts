import { Args, Query, Resolver } from '@nestjs/graphql';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { AccessReviewService, Reviewer } from './access-review.service';
import { AccessReviewArgs } from './dto/access-review.args';
import { AccessReviewModel } from './models/access-review.model';

export function reviewerOf(v: Viewer): Reviewer {
  return { principal: v.principal, ability: v.ability, requestId: v.ctx.req.requestId };
}

/** The access review: every external grant of an organisation or a space, with its flags. */
@Resolver()
export class AccessReviewResolver {
  constructor(private readonly reviews: AccessReviewService) {}

  @Query(() => AccessReviewModel, {
    description:
      'Every external grant (ACTIVE or SUSPENDED) of one organisation or one space, with role, expiry, sponsor, last sign-in, last activity and flags. HOST_ADMIN and SECURITY_REVIEWER; a PARTNER_ADMIN for their own organisation. Names only of people and spaces the caller sees.',
  })
  accessReview(@CurrentViewer() v: Viewer, @Args() args: AccessReviewArgs): Promise<AccessReviewModel> {
    return this.reviews.review(
      reviewerOf(v),
      { organizationId: args.organizationId, spaceId: args.spaceId },
      [...new Set(args.flags ?? [])],
      { first: args.first, after: args.after },
    );
  }
}
