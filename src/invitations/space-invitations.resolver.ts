import { Args, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Clock } from '../common/clock';
import { Invitation } from '../database/entities/invitation.entity';
import { Space } from '../database/entities/space.entity';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { Connection } from '../graphql/pagination';
import { SpaceModel } from '../spaces/models/space.model';
import { SpaceInvitationsArgs } from './dto/space-invitations.args';
import { InvitationReadsService } from './invitation-reads.service';
import { InvitationConnection } from './models/invitation.model';

@Resolver(() => SpaceModel)
export class SpaceInvitationsResolver {
  constructor(
    private readonly reads: InvitationReadsService,
    private readonly clock: Clock,
  ) {}

  @ResolveField(() => InvitationConnection, {
    description:
      "The space's invitations the caller reads, newest first: all of them for its OWNERs and ANIMATORs and the overseers; others see only their own.",
  })
  invitations(
    @CurrentViewer() v: Viewer,
    @Parent() space: Space,
    @Args() args: SpaceInvitationsArgs,
  ): Promise<Connection<Invitation>> {
    return this.reads.ofSpace(v.ability, space.id, args.status, this.clock.now(), {
      first: args.first,
      after: args.after,
    });
  }
}
