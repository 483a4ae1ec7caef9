import { Args, Query, Resolver } from '@nestjs/graphql';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { CommunityHealthService, HealthOverview, HealthReader, SpaceHealth } from './community-health.service';
import { HealthOverviewArgs, SpaceHealthArgs } from './dto/health.args';
import { HealthOverviewModel, SpaceHealthModel } from './models/health.model';

/** The health of communities: aggregates only, for those who run them. */
@Resolver()
export class CommunityHealthResolver {
  constructor(private readonly health: CommunityHealthService) {}

  @Query(() => SpaceHealthModel, {
    description:
      "A space's health per period (OWNER, ANIMATOR, HOST_ADMIN): aggregates only, each withheld when it rests on fewer than 5 people.",
  })
  spaceHealth(@CurrentViewer() v: Viewer, @Args() args: SpaceHealthArgs): Promise<SpaceHealth> {
    return this.health.spaceHealth(readerOf(v), args.spaceId, args.period, args.count);
  }

  @Query(() => HealthOverviewModel, {
    description: 'The PILOT spaces against the ACTIVE ones, per period (HOST_ADMIN), with the same withholding.',
  })
  healthOverview(@CurrentViewer() v: Viewer, @Args() args: HealthOverviewArgs): Promise<HealthOverview> {
    return this.health.overview(readerOf(v), args.period, args.count);
  }
}

function readerOf(v: Viewer): HealthReader {
  return { principal: v.principal, ability: v.ability, requestId: v.ctx.req.requestId };
}
