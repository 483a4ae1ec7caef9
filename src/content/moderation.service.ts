import { Injectable } from '@nestjs/common';
import { WriteActor, WriteRunner, WriteTx } from '../access/write-runner';
import { WriteErrorCode, WriteException } from '../access/write.exception';
import { Clock } from '../common/clock';
import { MembershipStatus, OrganizationKind } from '../common/domain.enums';
import { Comment } from '../database/entities/comment.entity';
import { Post } from '../database/entities/post.entity';
import { NotificationsService } from '../notifications/notifications.service';
import { commentFacts, ContentWriteGuard, postFacts, writable } from './content-write-guard';
import { hideReason, label, labelWithin } from './content-values';

const MODERATORS = 'Only the OWNERs and ANIMATORs of the space moderate it';

/**
 * Moderation (issue 9, item 2), by the space's OWNERs and ANIMATORs: hide and unhide posts
 * and comments (kept for moderators, with the reason; the author is told), relabel a post.
 * A moderator of another space who cannot read the item gets NOT_FOUND, one who can FORBIDDEN.
 */
@Injectable()
export class ModerationService {
  constructor(
    private readonly runner: WriteRunner,
    private readonly guard: ContentWriteGuard,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  hidePost(actor: WriteActor, id: string, rawReason: string): Promise<Post> {
    return this.runner.run(actor, 'post.hide', { type: 'Post', id }, async (tx) => {
      const post = await this.guard.readablePost(tx, actor, id);
      this.guard.may(actor, 'moderate', 'Post', postFacts(post), MODERATORS);
      writable(await this.guard.spaceOf(tx, post.spaceId));
      const reason = hideReason(rawReason);
      if (post.hidden) throw hiddenAlready('Post', post.id);
      const saved = await tx.manager.save(Object.assign(post, this.hidden(actor, reason)));
      await this.tellAuthor(tx, actor, post.authorId, 'post.hidden', post.spaceId, 'Post', post.id, {
        postId: post.id,
      });
      tx.audit({ subjectType: 'Post', subjectId: post.id, details: { reason, authorId: post.authorId } });
      return saved;
    });
  }

  unhidePost(actor: WriteActor, id: string): Promise<Post> {
    return this.runner.run(actor, 'post.unhide', { type: 'Post', id }, async (tx) => {
      const post = await this.guard.readablePost(tx, actor, id);
      this.guard.may(actor, 'moderate', 'Post', postFacts(post), MODERATORS);
      writable(await this.guard.spaceOf(tx, post.spaceId));
      if (!post.hidden) throw notHidden('Post', post.id);
      const previous = post.hiddenReason;
      const saved = await tx.manager.save(Object.assign(post, VISIBLE));
      tx.audit({ subjectType: 'Post', subjectId: post.id, details: { previousReason: previous } });
      return saved;
    });
  }

  hideComment(actor: WriteActor, id: string, rawReason: string): Promise<Comment> {
    return this.runner.run(actor, 'comment.hide', { type: 'Comment', id }, async (tx) => {
      const { comment, post } = await this.guard.readableComment(tx, actor, id);
      this.guard.may(actor, 'moderate', 'Comment', commentFacts(comment, post), MODERATORS);
      writable(await this.guard.spaceOf(tx, post.spaceId));
      const reason = hideReason(rawReason);
      if (comment.hidden) throw hiddenAlready('Comment', comment.id);
      const saved = await tx.manager.save(Object.assign(comment, this.hidden(actor, reason)));
      await this.tellAuthor(tx, actor, comment.authorId, 'comment.hidden', post.spaceId, 'Comment', comment.id, {
        postId: post.id,
        commentId: comment.id,
      });
      tx.audit({ subjectType: 'Comment', subjectId: comment.id, details: { reason, authorId: comment.authorId } });
      return saved;
    });
  }

  unhideComment(actor: WriteActor, id: string): Promise<Comment> {
    return this.runner.run(actor, 'comment.unhide', { type: 'Comment', id }, async (tx) => {
      const { comment, post } = await this.guard.readableComment(tx, actor, id);
      this.guard.may(actor, 'moderate', 'Comment', commentFacts(comment, post), MODERATORS);
      writable(await this.guard.spaceOf(tx, post.spaceId));
      if (!comment.hidden) throw notHidden('Comment', comment.id);
      const previous = comment.hiddenReason;
      const saved = await tx.manager.save(Object.assign(comment, VISIBLE));
      tx.audit({ subjectType: 'Comment', subjectId: comment.id, details: { previousReason: previous } });
      return saved;
    });
  }

  /**
   * A new label for a post: never below the classification nor above the moderator's
   * clearance; lowering it is refused while an external holds a grant (active or suspended)
   * in the space, since they could newly read it. Raising is always allowed.
   */
  relabel(actor: WriteActor, id: string, rawLabel: number): Promise<Post> {
    return this.runner.run(actor, 'post.relabel', { type: 'Post', id }, async (tx) => {
      const post = await this.guard.readablePost(tx, actor, id);
      this.guard.may(actor, 'moderate', 'Post', postFacts(post), MODERATORS);
      const space = await this.guard.spaceOf(tx, post.spaceId);
      writable(space);
      const to = labelWithin(label(rawLabel), space.classification, actor.principal.effectiveClearance);
      const from = post.label;
      if (to < from && (await this.externalsHoldGrants(tx, space.id))) {
        throw new WriteException(
          WriteErrorCode.LABEL_LOWERING_EXPOSES,
          'External members hold grants in this space: lowering the label could let them newly read the post',
          { subjectType: 'Post', subjectId: post.id, from, to },
        );
      }
      post.label = to;
      const saved = await tx.manager.save(post);
      tx.audit({ subjectType: 'Post', subjectId: post.id, details: { from, to, spaceId: space.id } });
      return saved;
    });
  }

  private hidden(actor: WriteActor, reason: string) {
    return { hidden: true, hiddenById: actor.principal.userId, hiddenAt: this.clock.now(), hiddenReason: reason };
  }

  private async externalsHoldGrants(tx: WriteTx, spaceId: string): Promise<boolean> {
    const rows: unknown[] = await tx.manager.query(
      `SELECT 1 FROM memberships m JOIN organizations o ON o.id = m.user_organization_id
        WHERE m.space_id = $1 AND m.status = ANY($2) AND o.kind <> $3 LIMIT 1`,
      [spaceId, [MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED], OrganizationKind.HOST],
    );
    return rows.length > 0;
  }

  /** The author hears that moderation hid their item; the reason stays with the moderators. */
  private async tellAuthor(
    tx: WriteTx,
    actor: WriteActor,
    authorId: string,
    kind: 'post.hidden' | 'comment.hidden',
    spaceId: string,
    subjectType: string,
    subjectId: string,
    data: Record<string, string>,
  ): Promise<void> {
    if (authorId === actor.principal.userId) return;
    await this.notifications.notify(tx.manager, [{ userId: authorId, kind, spaceId, subjectType, subjectId, data }]);
  }
}

const VISIBLE = { hidden: false, hiddenById: null, hiddenAt: null, hiddenReason: null };

function hiddenAlready(type: 'Post' | 'Comment', id: string): WriteException {
  return new WriteException(WriteErrorCode.CONTENT_HIDDEN, `The ${type.toLowerCase()} is already hidden`, {
    subjectType: type,
    subjectId: id,
  });
}

function notHidden(type: 'Post' | 'Comment', id: string): WriteException {
  return new WriteException(WriteErrorCode.CONTENT_NOT_HIDDEN, `The ${type.toLowerCase()} is not hidden`, {
    subjectType: type,
    subjectId: id,
  });
}
