import { Args, ID, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Connection, PageArgs } from '../graphql/pagination';
import { ContentRevision } from '../database/entities/content-revision.entity';
import { Reaction } from '../database/entities/reaction.entity';
import { ReactionConnection } from './models/reaction.model';
import { ReactionCountModel } from './models/reaction-count.model';
import { CommentRevisionModel } from './models/revision.model';
import { reactionCountLoader } from './posts.resolver';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { byKey, requestLoader } from '../graphql/request-loaders';
import { User } from '../database/entities/user.entity';
import { UserModel } from '../users/models/user.model';
import { knownUserLoader } from '../users/user.loader';
import { UsersService } from '../users/users.service';
import { Comment } from '../database/entities/comment.entity';
import { Post } from '../database/entities/post.entity';
import { CommentModel } from './models/comment.model';
import { PostModel } from './models/post.model';
import { PostsService } from './posts.service';

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

  @ResolveField(() => Boolean)
  deleted(@Parent() comment: Comment): boolean {
    return comment.deletedAt !== null;
  }

  @ResolveField(() => [CommentRevisionModel], { description: 'The versions edits replaced, newest first.' })
  async history(@CurrentViewer() v: Viewer, @Parent() comment: Comment): Promise<CommentRevisionModel[]> {
    const loader = requestLoader<string, ContentRevision[]>(v.ctx, 'commentHistory', async (ids) => {
      const byComment = await this.postsService.history(v.ability, 'comment', ids);
      return ids.map((id) => byComment.get(id) ?? []);
    });
    return (await loader.load(comment.id)).map((r) => ({ body: r.body, replacedAt: r.replacedAt }));
  }

  @ResolveField(() => ReactionConnection, {
    description: 'Reactions to the comment that the caller sees, oldest first.',
  })
  reactions(
    @CurrentViewer() v: Viewer,
    @Parent() comment: Comment,
    @Args() page: PageArgs,
  ): Promise<Connection<Reaction>> {
    return this.postsService.reactionsOfComment(v.ability, comment.id, page);
  }

  @ResolveField(() => [ReactionCountModel], { description: 'Per emoji, the reactions to the comment the caller sees.' })
  reactionCounts(@CurrentViewer() v: Viewer, @Parent() comment: Comment): Promise<ReactionCountModel[]> {
    return reactionCountLoader(v, this.postsService, 'comment').load(comment.id);
  }

  @ResolveField(() => [ID], {
    description: 'For its author only (empty for anyone else): mentioned ids that were not notified.',
  })
  async unreachableMentions(@CurrentViewer() v: Viewer, @Parent() comment: Comment): Promise<string[]> {
    if (comment.authorId !== v.principal.userId) return [];
    return this.postsService.unreachableMentions(v.principal.userId, comment.postId, comment.id);
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
