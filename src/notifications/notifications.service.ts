import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Notification } from '../database/entities/notification.entity';

/** What happened to whom; `data` holds ids and values, never names (rendered at read time). */
export interface NotifyInput {
  userId: string;
  kind: NotificationKind;
  spaceId?: string | null;
  subjectType?: string | null;
  subjectId?: string | null;
  data?: Record<string, unknown>;
}

/** Every event of the write path that concerns someone. */
export type NotificationKind =
  | 'invitation.received'
  | 'invitation.approval_needed'
  | 'invitation.approved'
  | 'invitation.rejected'
  | 'invitation.revoked'
  | 'invitation.accepted'
  | 'invitation.declined'
  | 'invitation.expired'
  | 'membership.granted'
  | 'membership.changed'
  | 'membership.renewal_due'
  | 'membership.renewed'
  | 'membership.revoked'
  | 'membership.expired'
  | 'membership.suspended'
  | 'membership.restored'
  | 'sponsorship.transferred'
  | 'recertification.requested'
  | 'recertification.lapsed'
  | 'organization.suspended'
  | 'organization.reactivated'
  | 'user.disabled'
  | 'post.mentioned'
  | 'comment.mentioned'
  | 'mention.unreachable'
  | 'post.replied'
  | 'post.hidden'
  | 'comment.hidden';

/** Writes in-app notifications in the caller's transaction: they exist iff the change does. */
@Injectable()
export class NotificationsService {
  async notify(manager: EntityManager, inputs: NotifyInput[]): Promise<void> {
    if (inputs.length === 0) return;
    await manager.save(
      Notification,
      inputs.map((n) =>
        manager.create(Notification, {
          userId: n.userId,
          kind: n.kind,
          spaceId: n.spaceId ?? null,
          subjectType: n.subjectType ?? null,
          subjectId: n.subjectId ?? null,
          data: n.data ?? {},
        }),
      ),
    );
  }
}
