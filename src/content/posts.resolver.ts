import { Args, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { DenialService } from '../access/denial.service';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { parseId, Connection, PageArgs, pageSize, toConnection } from '../graphql/pagination';
import { byKey, requestLoader } from '../graphql/request-loaders';
import { Space } from '../database/entities/space.entity';
import { SpaceModel } from '../spaces/models/space.model';
import { SpacesService } from '../spaces/spaces.service';
import { User } from '../database/entities/user.entity';
import { UserModel } from '../users/models/user.model';
import { knownUserLoader } from '../users/user.loader';
import { UsersService } from '../users/users.service';
import { Comment } from '../database/entities/comment.entity';
import { Post } from '../database/entities/post.entity';
import { Reaction } from '../database/entities/reaction.entity';
import { CommentConnection } from './models/comment.model';
import { PostConnection, PostModel } from './models/post.model';
import { ReactionConnection } from './models/reaction.model';
import { PostsService } from './posts.service';

@Resolver(() => PostModel)
export class PostsResolver {
  constructor(
    private readonly postsService: PostsService,
    private readonly spacesService: SpacesService,
    private readonly usersService: UsersService,
    private readonly denials: DenialService,
  ) {}

  @Query(() => PostConnection, { description: 'Every post the caller reads across their spaces, newest first.' })
  feed(@CurrentViewer() v: Viewer, @Args() page: PageArgs): Promise<Connection<Post>> {
    return this.postsService.feed(
      v.ability,
      v.principal.activeMemberships.map((m) => m.spaceId),
      page,
    );
  }

  @Query(() => PostModel, { nullable: true, description: 'A post the caller reads; NOT_FOUND otherwise.' })
  async post(@CurrentViewer() v: Viewer, @Args('id', { type: () => ID }) id: string): Promise<Post> {
    const uuid = parseId(id);
    const found = uuid ? await this.postsService.findVisible(v.ability, uuid) : null;
    if (!found) throw await this.denials.notFound(v.principal, 'Post', id, v.ctx.req.requestId);
    return found;
  }

  @ResolveField(() => Int)
  commentCount(@CurrentViewer() v: Viewer, @Parent() post: Post): Promise<number> {
    return commentCountLoader(v, this.postsService).load(post.id);
  }

  @ResolveField(() => SpaceModel)
  async space(@CurrentViewer() v: Viewer, @Parent() post: Post): Promise<Space> {
    // Reading a post requires an active membership in its space, which shows the space.
    const loader = requestLoader<string, Space | null>(v.ctx, 'visibleSpacesById', async (ids) =>
      byKey(ids, await this.spacesService.findManyVisible(v.ability, ids), (s) => s.id),
    );
    const space = await loader.load(post.spaceId);
    if (!space) throw new Error(`space ${post.spaceId} of a readable post is not visible`);
    return space;
  }

  @ResolveField(() => UserModel)
  async author(@CurrentViewer() v: Viewer, @Parent() post: Post): Promise<User> {
    // The author of a post the caller reads is someone the caller sees (DESIGN 2, People).
    const user = await knownUserLoader(v, this.usersService).load(post.authorId);
    if (!user) throw new Error(`author ${post.authorId} is missing`);
    return user;
  }

  @ResolveField(() => CommentConnection, { description: 'Comments the caller sees, newest first.' })
  async comments(
    @CurrentViewer() v: Viewer,
    @Parent() post: Post,
    @Args() page: PageArgs,
  ): Promise<Connection<Comment>> {
    if (page.after) return this.postsService.commentsOf(v.ability, post.id, page);
    // First pages of a whole list of posts load in one query.
    const first = pageSize(page.first);
    const loader = requestLoader<string, Comment[]>(v.ctx, `firstComments:${first}`, async (ids) => {
      const pages = await this.postsService.firstCommentPages(v.ability, ids, first);
      return ids.map((id) => pages.get(id) ?? []);
    });
    const rows = await loader.load(post.id);
    return toConnection(
      rows,
      first,
      (c) => [c.createdAt, c.id],
      () => commentCountLoader(v, this.postsService).load(post.id),
    );
  }

  @ResolveField(() => ReactionConnection)
  reactions(@CurrentViewer() v: Viewer, @Parent() post: Post, @Args() page: PageArgs): Promise<Connection<Reaction>> {
    return this.postsService.reactionsOf(v.ability, post.id, page);
  }
}

function commentCountLoader(v: Viewer, posts: PostsService) {
  return requestLoader<string, number>(v.ctx, 'commentCounts', async (ids) => {
    const counts = await posts.commentCounts(v.ability, ids);
    return ids.map((id) => counts.get(id) ?? 0);
  });
}
