import { Args, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Post } from '../database/entities/post.entity';
import { Space } from '../database/entities/space.entity';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { Connection, PageArgs } from '../graphql/pagination';
import { SpaceModel } from '../spaces/models/space.model';
import { PostConnection } from './models/post.model';
import { PostsService } from './posts.service';

/** `Space.posts`: the field lives with the posts it lists, so spaces/ knows nothing of content/. */
@Resolver(() => SpaceModel)
export class SpacePostsResolver {
  constructor(private readonly postsService: PostsService) {}

  @ResolveField(() => PostConnection, { description: 'Posts of this space the caller reads, newest first.' })
  posts(@CurrentViewer() v: Viewer, @Parent() space: Space, @Args() page: PageArgs): Promise<Connection<Post>> {
    return this.postsService.inSpace(v.ability, space.id, page);
  }
}
