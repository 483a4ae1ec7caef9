import { Args, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { DenialService } from '../access/denial.service';
import { asSubject } from '../access/subjects';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { parseId, Connection, PageArgs } from '../graphql/pagination';
import { Membership } from '../database/entities/membership.entity';
import { Space } from '../database/entities/space.entity';
import { MembershipConnection } from './models/membership.model';
import { SpaceConnection, SpaceModel } from './models/space.model';
import { SpacePermissionsModel } from './models/viewer-permissions.model';
import { SpacesService } from './spaces.service';
import { CarriedCheck } from '../graphql/carried-check';

@Resolver(() => SpaceModel)
export class SpacesResolver {
  constructor(
    private readonly spacesService: SpacesService,
    private readonly denials: DenialService,
    private readonly carried: CarriedCheck,
  ) {}

  @Query(() => SpaceConnection, { description: 'The spaces the caller sees, by name.' })
  spaces(@CurrentViewer() v: Viewer, @Args() page: PageArgs): Promise<Connection<Space>> {
    return this.spacesService.list(v.ability, page);
  }

  @Query(() => SpaceModel, { nullable: true, description: 'A space the caller sees; NOT_FOUND otherwise.' })
  space(@CurrentViewer() v: Viewer, @Args('id', { type: () => ID }) id: string): Promise<Space> {
    // Its statement proves a cached principal (carried-check.ts); a malformed id is refused once it is proven.
    return this.carried.run(v, async (v) => {
      const uuid = parseId(id);
      const found = uuid ? await this.spacesService.findVisible(v.ability, uuid) : null;
      if (!found) {
        await this.carried.prove(v);
        throw await this.denials.notFound(v.principal, 'Space', id, v.ctx.req.requestId);
      }
      return found;
    });
  }

  @Query(() => Int, {
    nullable: true,
    description:
      'The highest classification at which the caller may open a space (createSpace: HOST_ADMIN any, a host user up to their effective clearance); null when they open none.',
  })
  spaceCreationLimit(@CurrentViewer() v: Viewer): number | null {
    for (let level = 4; level >= 0; level--) {
      if (v.ability.can('create', asSubject('Space', { classification: level }))) return level;
    }
    return null;
  }

  @ResolveField(() => SpacePermissionsModel, {
    description: 'What the caller may do in this space, by the rules its mutations check.',
  })
  viewerCan(@CurrentViewer() v: Viewer, @Parent() space: Space): SpacePermissionsModel {
    const self = asSubject('Space', { id: space.id, classification: space.classification });
    const content = asSubject('Post', { spaceId: space.id });
    const risks = asSubject('RiskEntry', { spaceId: space.id });
    return {
      post: v.ability.can('post', self),
      invite: v.ability.can('invite', self),
      update: v.ability.can('update', self),
      moderate: v.ability.can('moderate', content),
      readRisks: v.ability.can('read', risks),
      manageRisks: v.ability.can('create', risks),
      readHealth: v.ability.can('readHealth', self),
    };
  }

  @ResolveField(() => MembershipConnection, {
    description: 'Active members who count (HUB: an external caller sees the host and their own organisation).',
  })
  members(@CurrentViewer() v: Viewer, @Parent() space: Space, @Args() page: PageArgs): Promise<Connection<Membership>> {
    return this.spacesService.members(v.ability, space.id, page);
  }
}
