import { Injectable } from '@nestjs/common';
import { WriteActor, WriteRunner, WriteTx } from '../access/write-runner';
import { WriteErrorCode, WriteException } from '../access/write.exception';
import { IsNull } from 'typeorm';
import { Comment } from '../database/entities/comment.entity';
import { Post } from '../database/entities/post.entity';
import { Reaction } from '../database/entities/reaction.entity';
import { commentFacts, ContentWriteGuard, notDeleted, postFacts, writable } from './content-write-guard';
import { emoji } from './content-values';

/** What a reaction answers: a post, or a comment of it. */
interface Target {
  post: Post;
  comment: Comment | null;
}

/** Reactions (issue 9, item 1): any active member reacts, OBSERVERs included; idempotent. */
@Injectable()
export class ReactionsService {
  constructor(
    private readonly runner: WriteRunner,
    private readonly guard: ContentWriteGuard,
  ) {}

  react(actor: WriteActor, postId: string | null | undefined, commentId: string | null | undefined, raw: string) {
    return this.runner.run(actor, 'reaction.add', loggedAs(postId, commentId), async (tx): Promise<Reaction> => {
      const subject = subjectOf(postId, commentId);
      const target = await this.target(tx, actor, subject);
      notDeleted(target.comment ?? target.post, target.comment ? 'Comment' : 'Post');
      const kind = emoji(raw);
      const p = actor.principal;
      const where = { postId: target.post.id, commentId: target.comment?.id ?? null, authorId: p.userId, kind };
      // Idempotent: a second identical reaction answers with the first (concurrent ones too).
      await tx.manager
        .createQueryBuilder()
        .insert()
        .into(Reaction)
        .values({ ...where, authorOrganizationId: p.organizationId })
        .orIgnore()
        .execute();
      const reaction = await tx.manager.findOneByOrFail(Reaction, {
        ...where,
        commentId: where.commentId ?? IsNull(),
      });
      tx.audit({ subjectType: 'Reaction', subjectId: reaction.id, details: { ...subject, emoji: kind } });
      return reaction;
    });
  }

  unreact(actor: WriteActor, postId: string | null | undefined, commentId: string | null | undefined, raw: string) {
    return this.runner.run(actor, 'reaction.remove', loggedAs(postId, commentId), async (tx): Promise<boolean> => {
      const subject = subjectOf(postId, commentId);
      const target = await this.target(tx, actor, subject);
      const kind = emoji(raw);
      const qb = tx.manager
        .createQueryBuilder()
        .delete()
        .from(Reaction)
        .where('post_id = :postId AND author_id = :authorId AND kind = :kind', {
          postId: target.post.id,
          authorId: actor.principal.userId,
          kind,
        });
      if (target.comment) qb.andWhere('comment_id = :commentId', { commentId: target.comment.id });
      else qb.andWhere('comment_id IS NULL');
      const removed = ((await qb.execute()).affected ?? 0) > 0;
      if (removed) tx.audit({ subjectType: subject.type, subjectId: subject.id, details: { emoji: kind } });
      return removed;
    });
  }

  /** The post or comment reacted to: read by the caller, open to their reactions, in a writable space. */
  private async target(tx: WriteTx, actor: WriteActor, subject: { type: string; id: string }): Promise<Target> {
    if (subject.type === 'Comment') {
      const { comment, post } = await this.guard.readableComment(tx, actor, subject.id);
      this.guard.may(actor, 'react', 'Comment', commentFacts(comment, post), 'Only active members of the space react');
      writable(await this.guard.spaceOf(tx, post.spaceId));
      return { post, comment };
    }
    const post = await this.guard.readablePost(tx, actor, subject.id);
    this.guard.may(actor, 'react', 'Post', postFacts(post), 'Only active members of the space react');
    writable(await this.guard.spaceOf(tx, post.spaceId));
    return { post, comment: null };
  }
}

/** The subject a refusal is audited under, before the input is checked. */
function loggedAs(postId: string | null | undefined, commentId: string | null | undefined) {
  return postId ? { type: 'Post', id: postId } : { type: 'Comment', id: commentId ?? null };
}

/** Exactly one of postId and commentId. */
function subjectOf(postId: string | null | undefined, commentId: string | null | undefined) {
  const given = [postId, commentId].filter((v) => v !== null && v !== undefined);
  if (given.length !== 1) {
    throw new WriteException(WriteErrorCode.INVALID_INPUT, 'Give exactly one of postId and commentId', {
      field: 'postId',
    });
  }
  return postId !== null && postId !== undefined
    ? { type: 'Post' as const, id: postId }
    : { type: 'Comment' as const, id: commentId as string };
}
