import { Injectable } from '@nestjs/common';
import { asSubject } from '../access/subjects';
import { WriteActor, WriteRunner } from '../access/write-runner';
import { WriteErrorCode, WriteException } from '../access/write.exception';
import { Clock } from '../common/clock';
import { Notification } from '../database/entities/notification.entity';
import { Connection, PageArgs, parseId } from '../graphql/pagination';
import { NotificationsRepository } from './notifications.repository';

/** At most this many ids in one markNotificationsRead. */
export const MARK_READ_MAX_IDS = 500;

/** The reader's side of notifications: their list, their unread count, marking read. */
@Injectable()
export class NotificationsInboxService {
  constructor(
    private readonly repository: NotificationsRepository,
    private readonly writes: WriteRunner,
    private readonly clock: Clock,
  ) {}

  list(actor: WriteActor, page: PageArgs, unreadOnly: boolean): Promise<Connection<Notification>> {
    return this.repository.pageOwn(actor.ability, actor.principal.userId, page, unreadOnly);
  }

  unreadCount(actor: WriteActor): Promise<number> {
    return this.repository.countUnread(actor.ability, actor.principal.userId);
  }

  /**
   * Marks the caller's notices read: those named (each must be one the caller sees, or the
   * whole call is NOT_FOUND, like a missing one), or all of them. Returns how many changed.
   */
  markRead(actor: WriteActor, ids: string[] | undefined): Promise<number> {
    const userId = actor.principal.userId;
    const subjectId = ids?.length === 1 ? ids[0] : null;
    return this.writes.run(actor, 'notification.read', { type: 'Notification', id: subjectId }, async (tx) => {
      let targets: string[] | null = null;
      if (ids) {
        if (ids.length > MARK_READ_MAX_IDS)
          throw new WriteException(WriteErrorCode.INVALID_INPUT, `At most ${MARK_READ_MAX_IDS} ids at once`, {
            count: ids.length,
          });
        const parsed = ids.map((id) => ({ id, uuid: parseId(id) }));
        const malformed = parsed.find((p) => !p.uuid);
        if (malformed) throw WriteException.notFound('Notification', malformed.id);
        targets = [...new Set(parsed.map((p) => p.uuid as string))];
        const visible = await this.repository.lockVisible(tx.manager, actor.ability, userId, targets);
        const seen = new Map(visible.map((n) => [n.id, n]));
        const missing = targets.find((id) => !seen.has(id));
        if (missing) throw WriteException.notFound('Notification', missing);
        for (const n of visible)
          if (!actor.ability.can('update', asSubject('Notification', { id: n.id, userId: n.userId })))
            throw new WriteException(WriteErrorCode.ROLE_REQUIRED, 'Only its reader marks a notification read', {
              subjectType: 'Notification',
              subjectId: n.id,
            });
      }
      const changed = await this.repository.markRead(tx.manager, userId, targets, this.clock.now());
      if (changed.length)
        tx.audit({
          subjectType: 'Notification',
          subjectId: changed.length === 1 ? changed[0] : null,
          details: { count: changed.length, all: ids === undefined, ids: changed.slice(0, 100) },
        });
      return changed.length;
    });
  }
}
