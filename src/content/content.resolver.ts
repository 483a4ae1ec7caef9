import { Args, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { DenialService } from '../access/denial.service';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { parseId, Connection, PageArgs, pageSize, toConnection } from '../graphql/pagination';
import { byKey, requestLoader } from '../graphql/request-loaders';
import { Space } from '../database/entities/space.entity';
import { SpaceModel } from '../spaces/space.model';
import { SpacesService } from '../spaces/spaces.service';
import { User } from '../database/entities/user.entity';
import { UserModel } from '../users/user.model';
import { knownUserLoader } from '../users/user.loader';
import { UsersService } from '../users/users.service';
import { Comment } from '../database/entities/comment.entity';
import { CommentConnection, CommentModel, PostConnection, PostModel, ReactionConnection, ReactionModel } from './content.models';
import { Post } from '../database/entities/post.entity';
import { PostsService } from './posts.service';
import { Reaction } from '../database/entities/reaction.entity';

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
    return this.postsService.feed(v.ability, v.principal.activeMemberships.map((m) => m.spaceId), page);
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
  async comments(@CurrentViewer() v: Viewer, @Parent() post: Post, @Args() page: PageArgs): Promise<Connection<Comment>> {
    if (page.after) return this.postsService.commentsOf(v.ability, post.id, page);
    // First pages of a whole list of posts load in one query.
    const first = pageSize(page.first);
    const loader = requestLoader<string, Comment[]>(v.ctx, `firstComments:${first}`, async (ids) => {
      const pages = await this.postsService.firstCommentPages(v.ability, ids, first);
      return ids.map((id) => pages.get(id) ?? []);
    });
    const rows = await loader.load(post.id);
    return toConnection(rows, first, (c) => [c.createdAt, c.id], () => commentCountLoader(v, this.postsService).load(post.id));
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

@Resolver(() => CommentModel)
export class CommentsResolver {
  constructor(
    private readonly postsService: PostsService,
    private readonly usersService: UsersService,
  ) {}

  @ResolveField(() => UserModel)
  async author(@CurrentViewer() v: Viewer, @Parent() comment: Comment): Promise<User> {
    const user = await knownUserLoader(v, this.usersService).load(comment.authorId);
    if (!user) throw new Error(`author ${comment.authorId} is missing`);
    return user;
  }

  @ResolveField(() => PostModel)
  async post(@CurrentViewer() v: Viewer, @Parent() comment: Comment): Promise<Post> {
    // A comment the caller sees follows a post the caller reads.
    const loader = requestLoader<string, Post | null>(v.ctx, 'visiblePostsById', async (ids) =>
      byKey(ids, await this.postsService.findManyVisible(v.ability, ids), (p) => p.id),
    );
    const post = await loader.load(comment.postId);
    if (!post) throw new Error(`post ${comment.postId} of a visible comment is not readable`);
    return post;
  }
}

@Resolver(() => ReactionModel)
export class ReactionsResolver {
  constructor(private readonly usersService: UsersService) {}

  @ResolveField(() => UserModel, { nullable: true, description: 'Null when the caller does not see the person (the People rule does not follow reactions).' })
  async author(@CurrentViewer() v: Viewer, @Parent() reaction: Reaction): Promise<User | null> {
    const loader = requestLoader<string, User | null>(v.ctx, 'visibleUsersById', async (ids) =>
      byKey(ids, await this.usersService.findManyVisible(v.ability, ids), (u) => u.id),
    );
    return loader.load(reaction.authorId);
  }
}
