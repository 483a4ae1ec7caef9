import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { byKey, requestLoader } from '../graphql/request-loaders';
import { User } from '../database/entities/user.entity';
import { UserModel } from '../users/models/user.model';
import { UsersService } from '../users/users.service';
import { Reaction } from '../database/entities/reaction.entity';
import { ReactionModel } from './models/reaction.model';

@Resolver(() => ReactionModel)
export class ReactionsResolver {
  constructor(private readonly usersService: UsersService) {}

  @ResolveField(() => String, { description: 'The same as kind.' })
  emoji(@Parent() reaction: Reaction): string {
    return reaction.kind;
  }

  @ResolveField(() => UserModel, {
    nullable: true,
    description: 'Null when the caller does not see the person (the People rule does not follow reactions).',
  })
  async author(@CurrentViewer() v: Viewer, @Parent() reaction: Reaction): Promise<User | null> {
    const loader = requestLoader<string, User | null>(v.ctx, 'visibleUsersById', async (ids) =>
      byKey(ids, await this.usersService.findManyVisible(v.ability, ids), (u) => u.id),
    );
    return loader.load(reaction.authorId);
  }
}
