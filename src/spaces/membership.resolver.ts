import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { User } from '../database/entities/user.entity';
import { Membership } from '../database/entities/membership.entity';
import { UserModel } from '../users/models/user.model';
import { knownUserLoader } from '../users/user.loader';
import { UsersService } from '../users/users.service';
import { MembershipModel } from './models/membership.model';

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
