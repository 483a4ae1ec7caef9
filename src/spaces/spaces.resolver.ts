import { Args, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { DenialService } from '../access/denial.service';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { parseId, Connection, PageArgs } from '../graphql/pagination';
import { Membership } from '../database/entities/membership.entity';
import { Space } from '../database/entities/space.entity';
import { MembershipConnection } from './models/membership.model';
import { SpaceConnection, SpaceModel } from './models/space.model';
import { SpacesService } from './spaces.service';

@Resolver(() => SpaceModel)
export class SpacesResolver {
  constructor(
    private readonly spacesService: SpacesService,
    private readonly denials: DenialService,
  ) {}

  @Query(() => SpaceConnection, { description: 'The spaces the caller sees, by name.' })
  spaces(@CurrentViewer() v: Viewer, @Args() page: PageArgs): Promise<Connection<Space>> {
    return this.spacesService.list(v.ability, page);
  }

  @Query(() => SpaceModel, { nullable: true, description: 'A space the caller sees; NOT_FOUND otherwise.' })
  async space(@CurrentViewer() v: Viewer, @Args('id', { type: () => ID }) id: string): Promise<Space> {
    const uuid = parseId(id);
    const found = uuid ? await this.spacesService.findVisible(v.ability, uuid) : null;
    if (!found) throw await this.denials.notFound(v.principal, 'Space', id, v.ctx.req.requestId);
    return found;
  }

  @ResolveField(() => MembershipConnection, {
    description: 'Active members who count (HUB: an external caller sees the host and their own organisation).',
  })
  members(@CurrentViewer() v: Viewer, @Parent() space: Space, @Args() page: PageArgs): Promise<Connection<Membership>> {
    return this.spacesService.members(v.ability, space.id, page);
  }
}
