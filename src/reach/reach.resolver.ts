import { Args, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { Connection, PageArgs } from '../graphql/pagination';
import { PreviewAccessChangeArgs, ReachOfArgs, WhoCanAccessArgs } from './dto/reach.args';
import {
  AccessChangePreview,
  AccessGrant,
  AccessGrantConnection,
  PersonView,
  PostRef,
  SpaceReach,
  SpaceReachConnection,
  SpaceRef,
  ViewAsModel,
  ViewAsPersonConnection,
  ViewAsPostConnection,
  ViewAsSpaceConnection,
} from './models/reach.model';
import { Reviewer, ReachService, ViewAs } from './reach.service';

/**
 * The security review's reach queries (issue 10, items 3 and 4): HOST_ADMIN and
 * SECURITY_REVIEWER only, every call audited (`review.*`). The dry run is a query: it writes
 * nothing but its audit event.
 */
@Resolver(() => ViewAsModel)
export class ReachResolver {
  constructor(private readonly reach: ReachService) {}

  @Query(() => AccessGrantConnection, {
    description:
      'Everyone who can read a space or a post, by name, each with the grant that lets them (membership: role, granted by, sponsor, since, until; or the overseer role for a space). HOST_ADMIN, SECURITY_REVIEWER.',
  })
  whoCanAccess(@CurrentViewer() v: Viewer, @Args() args: WhoCanAccessArgs): Promise<Connection<AccessGrant>> {
    return this.reach.whoCanAccess(reviewerOf(v), args.subjectType, args.subjectId, args);
  }

  @Query(() => SpaceReachConnection, {
    description:
      'Every space a person (or any person of an organisation) can read, by name, with the posts readable there per label. HOST_ADMIN, SECURITY_REVIEWER.',
  })
  reachOf(@CurrentViewer() v: Viewer, @Args() args: ReachOfArgs): Promise<Connection<SpaceReach>> {
    return this.reach.reachOf(reviewerOf(v), args.userId, args.organizationId, args);
  }

  @Query(() => ViewAsModel, {
    description:
      "What a person would see, by the engine's own rules: spaces, people, posts by id and label (titles only within the reviewer's clearance, never bodies). HOST_ADMIN, SECURITY_REVIEWER.",
  })
  viewAs(@CurrentViewer() v: Viewer, @Args('userId', { type: () => ID }) userId: string): Promise<ViewAs> {
    return this.reach.viewAs(reviewerOf(v), userId);
  }

  @ResolveField(() => ViewAsSpaceConnection, { description: 'The spaces they read, by name.' })
  spaces(@Parent() view: ViewAs, @Args() page: PageArgs): Promise<Connection<SpaceRef>> {
    return this.reach.viewAsSpaces(view, page);
  }

  @ResolveField(() => ViewAsPersonConnection, { description: 'The people they see, by name.' })
  people(@Parent() view: ViewAs, @Args() page: PageArgs): Promise<Connection<PersonView>> {
    return this.reach.viewAsPeople(view, page);
  }

  @ResolveField(() => ViewAsPostConnection, { description: 'The posts they read, newest first (their feed).' })
  posts(@Parent() view: ViewAs, @Args() page: PageArgs): Promise<Connection<PostRef>> {
    return this.reach.viewAsPosts(view, page);
  }

  @Query(() => AccessChangePreview, {
    description:
      "Dry run of a change to a person's membership, clearance or organisation cap: what they would gain and lose (spaces, posts by id and label, people). Nothing is written but the audit event. HOST_ADMIN, SECURITY_REVIEWER.",
  })
  previewAccessChange(@CurrentViewer() v: Viewer, @Args() args: PreviewAccessChangeArgs): Promise<AccessChangePreview> {
    return this.reach.previewAccessChange(reviewerOf(v), args.userId, args.change, args.limit);
  }
}

function reviewerOf(v: Viewer): Reviewer {
  return { principal: v.principal, ability: v.ability, requestId: v.ctx.req.requestId };
}
