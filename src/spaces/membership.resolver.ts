import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { asSubject } from '../access/subjects';
import { MembershipStatus } from '../common/domain.enums';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { byKey, requestLoader } from '../graphql/request-loaders';
import { User } from '../database/entities/user.entity';
import { Membership } from '../database/entities/membership.entity';
import { Space } from '../database/entities/space.entity';
import { UserModel } from '../users/models/user.model';
import { UsersService } from '../users/users.service';
import { MembershipModel } from './models/membership.model';
import { SpaceModel } from './models/space.model';
import { MembershipPermissionsModel } from './models/viewer-permissions.model';
import { SpacesService } from './spaces.service';
import { visibleSpaceLoader } from './space.loader';

@Resolver(() => MembershipModel)
export class MembershipResolver {
  constructor(
    private readonly usersService: UsersService,
    private readonly spacesService: SpacesService,
  ) {}

  @ResolveField(() => UserModel, {
    nullable: true,
    description:
      'The member, when the caller sees them (always in member lists; a sponsor outside the space does not, DESIGN 2).',
  })
  user(@CurrentViewer() v: Viewer, @Parent() membership: Membership): Promise<User | null> {
    return this.visibleUsers(v).load(membership.userId);
  }

  @ResolveField(() => SpaceModel, {
    nullable: true,
    description: 'Null when the caller does not see the space (a sponsor who is not in it).',
  })
  space(@CurrentViewer() v: Viewer, @Parent() membership: Membership): Promise<Space | null> {
    return visibleSpaceLoader(v, this.spacesService).load(membership.spaceId);
  }

  @ResolveField(() => UserModel, {
    nullable: true,
    description: 'The internal user answerable for the grant; null when there is none or the caller does not see them.',
  })
  async sponsor(@CurrentViewer() v: Viewer, @Parent() membership: Membership): Promise<User | null> {
    if (!membership.sponsorId) return null;
    return this.visibleUsers(v).load(membership.sponsorId);
  }

  @ResolveField(() => MembershipPermissionsModel, {
    description:
      'What the caller may do with this grant, by the rules updateMembership, extendMembership, renewMembership and revokeMembership check: change and renew an ACTIVE grant, revoke an ACTIVE or SUSPENDED one.',
  })
  viewerCan(@CurrentViewer() v: Viewer, @Parent() m: Membership): MembershipPermissionsModel {
    const facts = asSubject('Membership', {
      id: m.id,
      spaceId: m.spaceId,
      userId: m.userId,
      role: m.role,
      sponsorId: m.sponsorId,
    });
    const active = m.status === MembershipStatus.ACTIVE;
    return {
      update: active && v.ability.can('update', facts),
      renew: active && v.ability.can('renew', facts),
      revoke: (active || m.status === MembershipStatus.SUSPENDED) && v.ability.can('revoke', facts),
    };
  }

  /** Users the caller sees (DESIGN 2, filtered in SQL), batched per request. */
  private visibleUsers(v: Viewer) {
    return requestLoader<string, User | null>(v.ctx, 'visibleUsersById', async (ids) =>
      byKey(ids, await this.usersService.findManyVisible(v.ability, ids), (u) => u.id),
    );
  }
}
