import { Args, ID, Int, Mutation, Resolver } from '@nestjs/graphql';
import { WriteActor } from '../access/write-runner';
import { Comment } from '../database/entities/comment.entity';
import { Post } from '../database/entities/post.entity';
import { Reaction } from '../database/entities/reaction.entity';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { CommentWritesService } from './comment-writes.service';
import { CreatePostInput } from './dto/create-post.input';
import { ModerationService } from './moderation.service';
import { CommentModel } from './models/comment.model';
import { PostModel } from './models/post.model';
import { ReactionModel } from './models/reaction.model';
import { PostWritesService } from './post-writes.service';
import { ReactionsService } from './reactions.service';

/** Conversations' mutations; the services authorize, validate and audit every call. */
@Resolver()
export class ContentWritesResolver {
  constructor(
    private readonly posts: PostWritesService,
    private readonly comments: CommentWritesService,
    private readonly reactions: ReactionsService,
    private readonly moderation: ModerationService,
  ) {}

  @Mutation(() => PostModel, {
    description: "Posts in a space (its members who write); label defaults to the space's classification.",
  })
  createPost(@CurrentViewer() v: Viewer, @Args('input') input: CreatePostInput): Promise<Post> {
    return this.posts.create(actorOf(v), input);
  }

  @Mutation(() => PostModel, { description: 'Edits one of your posts; the replaced version is kept in its history.' })
  editPost(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('title', { type: () => String, nullable: true }) title?: string | null,
    @Args('body', { type: () => String, nullable: true }) body?: string | null,
  ): Promise<Post> {
    return this.posts.edit(actorOf(v), id, title, body);
  }

  @Mutation(() => CommentModel, { description: 'Comments on a post you read (members who write).' })
  commentOnPost(
    @CurrentViewer() v: Viewer,
    @Args('postId', { type: () => ID }) postId: string,
    @Args('body') body: string,
  ): Promise<Comment> {
    return this.comments.comment(actorOf(v), postId, body);
  }

  @Mutation(() => CommentModel, {
    description: 'Edits one of your comments; the replaced version is kept in its history.',
  })
  editComment(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('body') body: string,
  ): Promise<Comment> {
    return this.comments.edit(actorOf(v), id, body);
  }

  @Mutation(() => ReactionModel, { description: 'Reacts to a post or a comment (exactly one); idempotent.' })
  react(
    @CurrentViewer() v: Viewer,
    @Args('postId', { type: () => ID, nullable: true }) postId: string | null | undefined,
    @Args('commentId', { type: () => ID, nullable: true }) commentId: string | null | undefined,
    @Args('emoji') emoji: string,
  ): Promise<Reaction> {
    return this.reactions.react(actorOf(v), postId, commentId, emoji);
  }

  @Mutation(() => Boolean, { description: 'Removes your reaction; true when one was removed.' })
  unreact(
    @CurrentViewer() v: Viewer,
    @Args('postId', { type: () => ID, nullable: true }) postId: string | null | undefined,
    @Args('commentId', { type: () => ID, nullable: true }) commentId: string | null | undefined,
    @Args('emoji') emoji: string,
  ): Promise<boolean> {
    return this.reactions.unreact(actorOf(v), postId, commentId, emoji);
  }

  @Mutation(() => PostModel, {
    description: 'Hides a post from members (OWNER, ANIMATOR); kept for moderators with the reason.',
  })
  hidePost(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason') reason: string,
  ): Promise<Post> {
    return this.moderation.hidePost(actorOf(v), id, reason);
  }

  @Mutation(() => PostModel, { description: 'Shows a hidden post again (OWNER, ANIMATOR).' })
  unhidePost(@CurrentViewer() v: Viewer, @Args('id', { type: () => ID }) id: string): Promise<Post> {
    return this.moderation.unhidePost(actorOf(v), id);
  }

  @Mutation(() => CommentModel, { description: 'Hides a comment from members (OWNER, ANIMATOR).' })
  hideComment(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason') reason: string,
  ): Promise<Comment> {
    return this.moderation.hideComment(actorOf(v), id, reason);
  }

  @Mutation(() => CommentModel, { description: 'Shows a hidden comment again (OWNER, ANIMATOR).' })
  unhideComment(@CurrentViewer() v: Viewer, @Args('id', { type: () => ID }) id: string): Promise<Comment> {
    return this.moderation.unhideComment(actorOf(v), id);
  }

  @Mutation(() => PostModel, { description: 'Deletes one of your posts: a tombstone, its comments kept.' })
  deletePost(@CurrentViewer() v: Viewer, @Args('id', { type: () => ID }) id: string): Promise<Post> {
    return this.posts.delete(actorOf(v), id);
  }

  @Mutation(() => CommentModel, { description: 'Deletes one of your comments: a tombstone.' })
  deleteComment(@CurrentViewer() v: Viewer, @Args('id', { type: () => ID }) id: string): Promise<Comment> {
    return this.comments.delete(actorOf(v), id);
  }

  @Mutation(() => PostModel, {
    description: "Changes a post's label (OWNER, ANIMATOR): lowering it is refused while externals hold grants.",
  })
  relabelPost(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('label', { type: () => Int }) label: number,
  ): Promise<Post> {
    return this.moderation.relabel(actorOf(v), id, label);
  }
}

function actorOf(v: Viewer): WriteActor {
  return { principal: v.principal, ability: v.ability, requestId: v.ctx.req.requestId };
}
