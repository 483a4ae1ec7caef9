import { Args, Info, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphQLResolveInfo } from 'graphql';
import { Post } from '../database/entities/post.entity';
import { Space } from '../database/entities/space.entity';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { Connection, PageArgs } from '../graphql/pagination';
import { SpaceModel } from '../spaces/models/space.model';
import { PostConnection } from './models/post.model';
import { ListedPrimer, listShape } from './listed';
import { PostsService } from './posts.service';

/** `Space.posts`: the field lives with the posts it lists, so spaces/ knows nothing of content/. */
@Resolver(() => SpaceModel)
export class SpacePostsResolver {
  constructor(
    private readonly postsService: PostsService,
    private readonly primer: ListedPrimer,
  ) {}

  @ResolveField(() => PostConnection, { description: 'Posts of this space the caller reads, newest first.' })
  async posts(
    @CurrentViewer() v: Viewer,
    @Parent() space: Space,
    @Args() page: PageArgs,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<Post>> {
    const shape = listShape(info, 'Post');
    const comments = this.primer.commentsRequest(info);
    const { connection, listed } = await this.postsService.inSpace(v.ability, space.id, page, shape, comments?.fetch);
    this.primer.prime(v, shape, listed);
    if (comments) this.primer.serveComments(v, comments, listed);
    return connection;
  }
}
