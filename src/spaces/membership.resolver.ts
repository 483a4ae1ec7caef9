import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { byKey, requestLoader } from '../graphql/request-loaders';
import { User } from '../database/entities/user.entity';
import { Membership } from '../database/entities/membership.entity';
import { Space } from '../database/entities/space.entity';
import { UserModel } from '../users/models/user.model';
import { knownUserLoader } from '../users/user.loader';
import { UsersService } from '../users/users.service';
import { MembershipModel } from './models/membership.model';
import { SpaceModel } from './models/space.model';
import { SpacesService } from './spaces.service';

@Resolver(() => MembershipModel)
export class MembershipResolver {
  constructor(
    private readonly usersService: UsersService,
    private readonly spacesService: SpacesService,
  ) {}

  @ResolveField(() => UserModel)
  async user(@CurrentViewer() v: Viewer, @Parent() membership: Membership): Promise<User> {
    // A listed member counts and shares a visible space with the caller; a grant returned by a
    // write is one the caller manages, sponsors or holds: either way the caller knows the member.
    const user = await knownUserLoader(v, this.usersService).load(membership.userId);
    if (!user) throw new Error(`member ${membership.userId} is missing`);
    return user;
  }

  @ResolveField(() => SpaceModel, {
    nullable: true,
    description: 'Null when the caller does not see the space (a sponsor who is not in it).',
  })
  space(@CurrentViewer() v: Viewer, @Parent() membership: Membership): Promise<Space | null> {
    const loader = requestLoader<string, Space | null>(v.ctx, 'visibleSpacesById', async (ids) =>
      byKey(ids, await this.spacesService.findManyVisible(v.ability, ids), (s) => s.id),
    );
    return loader.load(membership.spaceId);
  }

  @ResolveField(() => UserModel, {
    nullable: true,
    description: 'The internal user answerable for the grant; null when there is none or the caller does not see them.',
  })
  async sponsor(@CurrentViewer() v: Viewer, @Parent() membership: Membership): Promise<User | null> {
    if (!membership.sponsorId) return null;
    const loader = requestLoader<string, User | null>(v.ctx, 'visibleUsersById', async (ids) =>
      byKey(ids, await this.usersService.findManyVisible(v.ability, ids), (u) => u.id),
    );
    return loader.load(membership.sponsorId);
  }
}
