import { Args, ID, Resolver, Subscription } from '@nestjs/graphql';
import { DenialService } from '../access/denial.service';
import { Comment } from '../database/entities/comment.entity';
import { Notification } from '../database/entities/notification.entity';
import { Post } from '../database/entities/post.entity';
import { CommentModel } from '../content/models/comment.model';
import { PostModel } from '../content/models/post.model';
import {
  CurrentViewer,
  isSubscriptionContext,
  SubscriptionContext,
  Viewer,
} from '../graphql/graphql-context.decorator';
import { parseId } from '../graphql/pagination';
import { NotificationModel } from '../notifications/models/notification.model';
import { RealtimeException } from './realtime.exception';
import { RealtimeRepository } from './realtime.repository';
import { RealtimeService } from './realtime.service';

/**
 * Subscriptions over graphql-ws at /graphql. What is asked for is checked when the
 * subscription starts (an invisible space or post is NOT_FOUND, like a missing one); every
 * event is then checked again, when it is delivered, against the subscriber's current
 * abilities (RealtimeService).
 */
@Resolver()
export class RealtimeResolver {
  constructor(
    private readonly realtime: RealtimeService,
    private readonly repository: RealtimeRepository,
    private readonly denials: DenialService,
  ) {}

  @Subscription(() => PostModel, {
    description:
      'New posts the caller reads, in all their spaces or in one (NOT_FOUND if the caller does not see it). ' +
      'Each is checked against the caller’s abilities when it is delivered.',
  })
  async postAdded(
    @CurrentViewer() v: Viewer,
    @Args('spaceId', { type: () => ID, nullable: true }) spaceId?: string | null,
  ): Promise<AsyncIterableIterator<Record<string, Post>>> {
    const ctx = socketContextOf(v);
    let space: string | null = null;
    if (spaceId !== undefined && spaceId !== null) {
      space = parseId(spaceId);
      if (!space || !(await this.repository.visibleSpaceExists(v.ability, space)))
        throw await this.denials.notFound(v.principal, 'Space', spaceId, v.ctx.req.requestId);
    }
    return this.realtime.open<Post>(ctx, {
      field: 'postAdded',
      concerns: (e) => e.kind === 'post' && (space === null || e.spaceId === space),
      read: (ability, _p, e) => this.repository.readablePost(ability, e.id, space),
    });
  }

  @Subscription(() => CommentModel, {
    description:
      'New comments the caller sees on a post they read (NOT_FOUND otherwise). ' +
      'Each is checked against the caller’s abilities when it is delivered.',
  })
  async commentAdded(
    @CurrentViewer() v: Viewer,
    @Args('postId', { type: () => ID }) postId: string,
  ): Promise<AsyncIterableIterator<Record<string, Comment>>> {
    const ctx = socketContextOf(v);
    const post = parseId(postId);
    if (!post || !(await this.repository.readablePost(v.ability, post, null)))
      throw await this.denials.notFound(v.principal, 'Post', postId, v.ctx.req.requestId);
    return this.realtime.open<Comment>(ctx, {
      field: 'commentAdded',
      concerns: (e) => e.kind === 'comment' && e.postId === post,
      read: (ability, _p, e) => this.repository.readableComment(ability, e.id, post),
    });
  }

  @Subscription(() => NotificationModel, { description: 'The caller’s own new notifications.' })
  notificationAdded(@CurrentViewer() v: Viewer): AsyncIterableIterator<Record<string, Notification>> {
    const ctx = socketContextOf(v);
    const userId = v.principal.userId;
    return this.realtime.open<Notification>(ctx, {
      field: 'notificationAdded',
      concerns: (e) => e.kind === 'notification' && e.userId === userId,
      read: (ability, p, e) => this.repository.ownNotification(ability, e.id, p.userId),
    });
  }
}

/** Subscriptions run over the socket only (POST /graphql cannot stream them). */
function socketContextOf(v: Viewer): SubscriptionContext {
  if (!isSubscriptionContext(v.ctx)) throw RealtimeException.websocketOnly();
  return v.ctx;
}
