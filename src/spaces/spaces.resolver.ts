import { Args, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { DenialService } from '../access/denial.service';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { parseId, Connection, PageArgs } from '../graphql/pagination';
import { User } from '../database/entities/user.entity';
import { UserModel } from '../users/user.model';
import { knownUserLoader } from '../users/user.loader';
import { UsersService } from '../users/users.service';
import { Membership } from '../database/entities/membership.entity';
import { Space } from '../database/entities/space.entity';
import { MembershipConnection, MembershipModel, SpaceConnection, SpaceModel } from './space.model';
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

  @ResolveField(() => MembershipConnection, { description: 'Active members who count (HUB: an external caller sees the host and their own organisation).' })
  members(@CurrentViewer() v: Viewer, @Parent() space: Space, @Args() page: PageArgs): Promise<Connection<Membership>> {
    return this.spacesService.members(v.ability, space.id, page);
  }
}

@Resolver(() => MembershipModel)
export class MembershipResolver {
  constructor(private readonly usersService: UsersService) {}

  @ResolveField(() => UserModel)
  async user(@CurrentViewer() v: Viewer, @Parent() membership: Membership): Promise<User> {
    // A listed member counts and shares a visible space with the caller: the caller sees them.
    const user = await knownUserLoader(v, this.usersService).load(membership.userId);
    if (!user) throw new Error(`member ${membership.userId} is missing`);
    return user;
  }
}
