import { Args, ID, Info, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphQLResolveInfo } from 'graphql';
import { DenialService } from '../access/denial.service';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { parseId, Connection, PageArgs, pageSize } from '../graphql/pagination';
import { requestLoader } from '../graphql/request-loaders';
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
import { ReactionCountModel } from './models/reaction-count.model';
import { PostRevisionModel } from './models/revision.model';
import { ContentRevision } from '../database/entities/content-revision.entity';
import { commentCountLoader, ListedPrimer, listShape } from './listed';
import { PostsService } from './posts.service';
import { visibleSpaceLoader } from '../spaces/space.loader';
import { CarriedCheck } from '../graphql/carried-check';

@Resolver(() => PostModel)
export class PostsResolver {
  constructor(
    private readonly postsService: PostsService,
    private readonly spacesService: SpacesService,
    private readonly usersService: UsersService,
    private readonly denials: DenialService,
    private readonly primer: ListedPrimer,
    private readonly carried: CarriedCheck,
  ) {}

  @Query(() => PostConnection, { description: 'Every post the caller reads across their spaces, newest first.' })
  feed(
    @CurrentViewer() v: Viewer,
    @Args() page: PageArgs,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<Post>> {
    // Its one statement proves a cached principal (carried-check.ts).
    return this.carried.run(v, async (v) => {
      const shape = listShape(info, 'Post');
      const comments = this.primer.commentsRequest(info);
      const { connection, listed } = await this.postsService.feed(
        v.ability,
        v.principal.activeMemberships.map((m) => m.spaceId),
        page,
        shape,
        comments?.fetch,
      );
      this.primer.prime(v, shape, listed);
      if (comments) this.primer.serveComments(v, comments, listed);
      return connection;
    });
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
    const space = await visibleSpaceLoader(v, this.spacesService).load(post.spaceId);
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
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<Comment>> {
    if (page.after) return this.postsService.commentsOf(v.ability, post.id, page);
    // First pages of a whole list of posts load in one query, with their authors when asked.
    return this.primer.firstComments(v, post.id, pageSize(page.first), listShape(info, 'Comment'));
  }

  @ResolveField(() => Boolean)
  deleted(@Parent() post: Post): boolean {
    return post.deletedAt !== null;
  }

  @ResolveField(() => [PostRevisionModel], { description: 'The versions edits replaced, newest first.' })
  async history(@CurrentViewer() v: Viewer, @Parent() post: Post): Promise<PostRevisionModel[]> {
    const loader = requestLoader<string, ContentRevision[]>(v.ctx, 'postHistory', async (ids) => {
      const byPost = await this.postsService.history(v.ability, 'post', ids);
      return ids.map((id) => byPost.get(id) ?? []);
    });
    return (await loader.load(post.id)).map((r) => ({
      title: r.title ?? '',
      body: r.body,
      label: r.label ?? post.label,
      replacedAt: r.replacedAt,
    }));
  }

  @ResolveField(() => [ReactionCountModel], { description: 'Per emoji, the reactions to the post the caller sees.' })
  reactionCounts(@CurrentViewer() v: Viewer, @Parent() post: Post): Promise<ReactionCountModel[]> {
    return reactionCountLoader(v, this.postsService, 'post').load(post.id);
  }

  @ResolveField(() => [ID], {
    description: 'For its author only (empty for anyone else): mentioned ids that were not notified.',
  })
  async unreachableMentions(@CurrentViewer() v: Viewer, @Parent() post: Post): Promise<string[]> {
    if (post.authorId !== v.principal.userId) return [];
    return this.postsService.unreachableMentions(v.principal.userId, post.id, null);
  }

  @ResolveField(() => ReactionConnection, { description: 'Reactions to the post itself that the caller sees.' })
  reactions(@CurrentViewer() v: Viewer, @Parent() post: Post, @Args() page: PageArgs): Promise<Connection<Reaction>> {
    return this.postsService.reactionsOf(v.ability, post.id, page);
  }
}

/** Reaction counts of many posts or comments in one query per request. */
export function reactionCountLoader(v: Viewer, posts: PostsService, target: 'post' | 'comment') {
  return requestLoader<string, ReactionCountModel[]>(v.ctx, `reactionCounts:${target}`, async (ids) => {
    const counts = await posts.reactionCounts(v.ability, target, ids, v.principal.userId);
    return ids.map((id) =>
      (counts.get(id) ?? []).map(({ emoji, count, reactedByMe }) => ({ emoji, count, reactedByMe })),
    );
  });
}
