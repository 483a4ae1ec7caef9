import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { AbilityFactory } from '../access/ability.factory';
import { AccessService } from '../access/access.service';
import { AppAbility } from '../access/subjects';
import { WriteTx } from '../access/write-runner';
import { WriteErrorCode, WriteException } from '../access/write.exception';
import { PrincipalService } from '../auth/principal.service';
import { Clock } from '../common/clock';
import { Comment } from '../database/entities/comment.entity';
import { Mention } from '../database/entities/mention.entity';
import { Post } from '../database/entities/post.entity';
import { NotificationsService, NotifyInput } from '../notifications/notifications.service';

export const MAX_MENTIONS = 20;
const MENTION = /@([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi;

/** The distinct user ids a Markdown body mentions (`@<uuid>`), in order of appearance. */
export function mentionedIds(body: string): string[] {
  return [...new Set([...body.matchAll(MENTION)].map((m) => m[1].toLowerCase()))];
}

/** At most 20 distinct people per item. */
export function withinMentionLimit(ids: readonly string[]): void {
  if (ids.length > MAX_MENTIONS) {
    throw new WriteException(
      WriteErrorCode.TOO_MANY_MENTIONS,
      `A post or comment mentions at most ${MAX_MENTIONS} people`,
      { count: ids.length, max: MAX_MENTIONS },
    );
  }
}

/** What was written, for the mention and reply checks. */
export interface WrittenItem {
  postId: string;
  /** Null for a post. */
  commentId: string | null;
  spaceId: string;
  authorId: string;
}

/** Each person's current ability, or null when the id names nobody who counts. */
export type Readers = Map<string, AppAbility | null>;

/**
 * Mentions and who may be told. A mention notifies its person iff they, with their current
 * principal, read the item (checked in SQL inside the writer's transaction); otherwise it is
 * recorded unnotified and the author is told that this person cannot read it, never why: an
 * unknown id, someone outside the space and someone not cleared all give the same answer.
 */
@Injectable()
export class MentionsService {
  constructor(
    private readonly principals: PrincipalService,
    private readonly abilities: AbilityFactory,
    private readonly access: AccessService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  /**
   * Loaded before the write's transaction (the embedded database has one connection): the
   * abilities of the people the write may tell. One over the limit is enough to refuse.
   */
  async readers(userIds: readonly string[]): Promise<Readers> {
    const now = this.clock.now();
    const out: Readers = new Map();
    for (const id of [...new Set(userIds)].slice(0, MAX_MENTIONS + 2)) {
      const principal = await this.principals.load(id, now, { kind: 'session', id: 'mention-check' });
      out.set(id, principal ? this.abilities.createFor(principal) : null);
    }
    return out;
  }

  /** Whether the person reads the item, as it stands in this transaction. */
  async reads(tx: WriteTx, ability: AppAbility | null | undefined, item: WrittenItem): Promise<boolean> {
    if (!ability) return false;
    const qb = item.commentId
      ? this.access.restrict(
          tx.manager.createQueryBuilder(Comment, 'c').where('c.id = :id', { id: item.commentId }),
          ability,
          'Comment',
        )
      : this.access.restrict(
          tx.manager.createQueryBuilder(Post, 'p').where('p.id = :id', { id: item.postId }),
          ability,
          'Post',
        );
    return qb.getExists();
  }

  /** Records the mentions of `ids` not recorded yet for the item, and tells whom it may. */
  async record(tx: WriteTx, item: WrittenItem, ids: readonly string[], readers: Readers): Promise<void> {
    withinMentionLimit(ids);
    const known = await tx.manager.find(Mention, {
      where: { postId: item.postId, commentId: item.commentId ?? IsNull() },
      select: { userId: true },
    });
    const already = new Set(known.map((m) => m.userId));
    const fresh = ids.filter((id) => id !== item.authorId && !already.has(id));
    const notices: NotifyInput[] = [];
    const mentions: Mention[] = [];
    const subject = item.commentId
      ? { subjectType: 'Comment', subjectId: item.commentId }
      : { subjectType: 'Post', subjectId: item.postId };
    const data = { postId: item.postId, ...(item.commentId ? { commentId: item.commentId } : {}) };
    for (const userId of fresh) {
      const notified = await this.reads(tx, readers.get(userId), item);
      mentions.push(tx.manager.create(Mention, { ...data, commentId: item.commentId, userId, notified }));
      notices.push(
        notified
          ? {
              userId,
              kind: item.commentId ? 'comment.mentioned' : 'post.mentioned',
              spaceId: item.spaceId,
              ...subject,
              data,
            }
          : {
              userId: item.authorId,
              kind: 'mention.unreachable',
              spaceId: item.spaceId,
              ...subject,
              data: { ...data, mentionedId: userId },
            },
      );
    }
    if (mentions.length) await tx.manager.save(Mention, mentions);
    await this.notifications.notify(tx.manager, notices);
    if (fresh.length) {
      tx.audit({
        action: 'mention.record',
        subjectType: subject.subjectType,
        subjectId: subject.subjectId,
        details: {
          notified: mentions.filter((m) => m.notified).map((m) => m.userId),
          unreachable: mentions.filter((m) => !m.notified).map((m) => m.userId),
        },
      });
    }
  }
}
