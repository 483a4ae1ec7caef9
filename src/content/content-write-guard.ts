import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { Action, asSubject, SubjectName } from '../access/subjects';
import { WriteActor, WriteTx } from '../access/write-runner';
import { WriteErrorCode, WriteException } from '../access/write.exception';
import { SpaceStatus } from '../common/domain.enums';
import { parseId } from '../common/ids';
import { Comment } from '../database/entities/comment.entity';
import { Post } from '../database/entities/post.entity';
import { Space } from '../database/entities/space.entity';

/**
 * The first steps of every conversation write, in the house order: the object as the caller
 * sees it (NOT_FOUND, the same for invisible and missing), locked for the transaction; then
 * the CASL write rule (FORBIDDEN); then the state (an archived space, a tombstone: CONFLICT).
 */
@Injectable()
export class ContentWriteGuard {
  constructor(private readonly access: AccessService) {}

  /** A space the caller sees, locked against a concurrent archive. */
  async visibleSpace(tx: WriteTx, actor: WriteActor, rawId: string): Promise<Space> {
    const id = parseId(rawId);
    const visible =
      id &&
      (await this.access
        .restrict(
          tx.manager.createQueryBuilder(Space, 's').select('s.id').where('s.id = :id', { id }),
          actor.ability,
          'Space',
        )
        .getOne());
    if (!id || !visible) throw WriteException.notFound('Space', rawId);
    return this.spaceOf(tx, id);
  }

  /** A post the caller reads, locked; NOT_FOUND otherwise. */
  async readablePost(tx: WriteTx, actor: WriteActor, rawId: string): Promise<Post> {
    const id = parseId(rawId);
    const visible =
      id &&
      (await this.access
        .restrict(
          tx.manager.createQueryBuilder(Post, 'p').select('p.id').where('p.id = :id', { id }),
          actor.ability,
          'Post',
        )
        .getOne());
    if (!id || !visible) throw WriteException.notFound('Post', rawId);
    await this.lockSpaceOf(tx, `SELECT space_id FROM posts WHERE id = $1`, id);
    const post = await tx.manager
      .createQueryBuilder(Post, 'p')
      .where('p.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
    if (!post) throw WriteException.notFound('Post', rawId);
    return post;
  }

  /** A comment the caller reads, locked, with its post's space id; NOT_FOUND otherwise. */
  async readableComment(tx: WriteTx, actor: WriteActor, rawId: string): Promise<{ comment: Comment; post: Post }> {
    const id = parseId(rawId);
    const visible =
      id &&
      (await this.access
        .restrict(
          tx.manager.createQueryBuilder(Comment, 'c').select('c.id').where('c.id = :id', { id }),
          actor.ability,
          'Comment',
        )
        .getOne());
    if (!id || !visible) throw WriteException.notFound('Comment', rawId);
    await this.lockSpaceOf(
      tx,
      `SELECT p.space_id FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.id = $1`,
      id,
    );
    const comment = await tx.manager
      .createQueryBuilder(Comment, 'c')
      .where('c.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
    const post = comment && (await tx.manager.findOneBy(Post, { id: comment.postId }));
    if (!comment || !post) throw WriteException.notFound('Comment', rawId);
    return { comment, post };
  }

  /** The space of an object the caller reads, locked against a concurrent archive. */
  async spaceOf(tx: WriteTx, spaceId: string): Promise<Space> {
    const space = await tx.manager
      .createQueryBuilder(Space, 's')
      .where('s.id = :id', { id: spaceId })
      .setLock('pessimistic_read')
      .getOne();
    if (!space) throw WriteException.notFound('Space', spaceId);
    return space;
  }

  /**
   * Locks go space first, then the item, as a space's update does (it relabels its posts
   * under the space's lock): the other order could deadlock with it.
   */
  private async lockSpaceOf(tx: WriteTx, sql: string, id: string): Promise<void> {
    const rows: { space_id: string }[] = await tx.manager.query(sql, [id]);
    if (rows[0]) await this.spaceOf(tx, rows[0].space_id);
  }

  /** The CASL write rule on the object's facts; FORBIDDEN (ROLE_REQUIRED) with a message saying who may. */
  may(actor: WriteActor, action: Action, type: SubjectName, facts: Record<string, unknown>, message: string): void {
    if (!actor.ability.can(action, asSubject(type, facts))) {
      throw new WriteException(WriteErrorCode.ROLE_REQUIRED, message, { subjectType: type, subjectId: facts.id });
    }
  }
}

/**
 * When an edit replaces a version: now, or just after the item's last revision if the clock
 * has not moved (history is ordered by it, newest first).
 */
export async function replacedAt(tx: WriteTx, postId: string, commentId: string | null, now: Date): Promise<Date> {
  const rows: { last: Date | null }[] = await tx.manager.query(
    `SELECT max(replaced_at) AS last FROM content_revisions WHERE post_id = $1 AND comment_id IS NOT DISTINCT FROM $2::uuid`,
    [postId, commentId],
  );
  const last = rows[0]?.last ? new Date(rows[0].last).getTime() : -Infinity;
  return new Date(Math.max(now.getTime(), last + 1));
}

/** Facts of a post for the write rules. */
export const postFacts = (p: Post) => ({ id: p.id, spaceId: p.spaceId, authorId: p.authorId });

/** Facts of a comment for the write rules: its space is its post's. */
export const commentFacts = (c: Comment, post: Post) => ({ id: c.id, spaceId: post.spaceId, authorId: c.authorId });

/** Every write to an archived space is refused: it is read-only. */
export function writable(space: Space): void {
  if (space.status === SpaceStatus.ARCHIVED) {
    throw new WriteException(WriteErrorCode.SPACE_ARCHIVED, 'The space is archived: it is read-only', {
      subjectType: 'Space',
      subjectId: space.id,
    });
  }
}

/** A tombstone is not edited, deleted again or answered. */
export function notDeleted(item: { id: string; deletedAt: Date | null }, type: 'Post' | 'Comment'): void {
  if (item.deletedAt) {
    throw new WriteException(WriteErrorCode.CONTENT_DELETED, `The ${type.toLowerCase()} was deleted`, {
      subjectType: type,
      subjectId: item.id,
    });
  }
}
