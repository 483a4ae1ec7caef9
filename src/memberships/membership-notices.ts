import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { MailInput, MailService } from '../mail/mail.service';
import { NotificationsService, NotifyInput } from '../notifications/notifications.service';
import { MembershipsRepository } from './memberships.repository';
import { MovedSponsorship } from './sponsorship';

/**
 * What people are told when grants move, in the transaction of the change: in-app notices
 * carry ids and values (rendered at read time); mails carry the names the recipient deals with.
 */
@Injectable()
export class MembershipNotices {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly mail: MailService,
    private readonly repository: MembershipsRepository,
    private readonly config: AppConfig,
  ) {}

  /** A link to a space in the portal. */
  spaceLink(spaceId: string): string {
    return `${this.config.publicUrl}/spaces/${spaceId}`;
  }

  notify(manager: EntityManager, inputs: NotifyInput[]): Promise<void> {
    return this.notifications.notify(manager, inputs);
  }

  enqueue(manager: EntityManager, inputs: MailInput[]): Promise<void> {
    return this.mail.enqueue(manager, inputs);
  }

  /**
   * Tells each new sponsor which grants are now theirs (one notice per grant, one mail per
   * sponsor; `fromUserId` null: the grants had no sponsor). Grants left without a sponsor (no other OWNER) are reported by the caller's audit.
   */
  async sponsorshipsMoved(manager: EntityManager, moved: MovedSponsorship[], fromUserId: string | null): Promise<void> {
    const received = moved.filter((m) => m.newSponsorId !== null);
    if (!received.length) return;
    const names = await this.repository.displayNames(manager, [
      ...(fromUserId ? [fromUserId] : []),
      ...received.map((m) => m.memberId),
    ]);
    const spaces = await this.repository.spaceNames(manager, [...new Set(received.map((m) => m.spaceId))]);
    await this.notifications.notify(
      manager,
      received.map((m) => ({
        userId: m.newSponsorId as string,
        kind: 'sponsorship.transferred' as const,
        spaceId: m.spaceId,
        subjectType: 'Membership',
        subjectId: m.membershipId,
        data: { membershipId: m.membershipId, memberId: m.memberId, previousSponsorId: fromUserId },
      })),
    );
    // A grant that had no sponsor is told in-app only: the transfer mail names the previous sponsor.
    if (!fromUserId) return;
    const bySponsor = new Map<string, MovedSponsorship[]>();
    for (const m of received) bySponsor.set(m.newSponsorId as string, [...(bySponsor.get(m.newSponsorId!) ?? []), m]);
    await this.mail.enqueue(
      manager,
      [...bySponsor].map(([sponsorId, grants]) => ({
        to: { userId: sponsorId },
        template: 'sponsorship.transferred' as const,
        params: {
          previousSponsorName: names.get(fromUserId) ?? '',
          count: grants.length,
          grants: grants.map((g) => ({
            memberName: names.get(g.memberId) ?? '',
            spaceName: spaces.get(g.spaceId) ?? '',
            link: this.spaceLink(g.spaceId),
          })),
        },
        subjectType: 'User',
        subjectId: fromUserId,
      })),
    );
  }
}
