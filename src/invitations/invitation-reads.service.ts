import { Injectable } from '@nestjs/common';
import { AppAbility } from '../access/subjects';
import { isOverseer, Principal } from '../auth/principal';
import { MembershipRole } from '../common/domain.enums';
import { Invitation } from '../database/entities/invitation.entity';
import { MailMessage } from '../database/entities/mail-message.entity';
import { Membership } from '../database/entities/membership.entity';
import { Organization } from '../database/entities/organization.entity';
import { Connection, PageArgs } from '../graphql/pagination';
import { InvitationStatus } from '../common/domain.enums';
import { InvitationsRepository } from './invitations.repository';

/** Invitations as the caller may read them: every list and lookup scoped by the read rule in SQL. */
@Injectable()
export class InvitationReadsService {
  constructor(private readonly invitations: InvitationsRepository) {}

  /** The invitation if the caller reads it; null for invisible and missing alike. */
  findVisible(ability: AppAbility, id: string): Promise<Invitation | null> {
    return this.invitations.findVisibleById(ability, id);
  }

  /** Open invitations the caller may accept, newest first. */
  acceptable(ability: AppAbility, p: Principal, page: PageArgs): Promise<Connection<Invitation>> {
    return this.invitations.pageAcceptable(ability, p, page);
  }

  ofSpace(
    ability: AppAbility,
    spaceId: string,
    status: InvitationStatus | null | undefined,
    now: Date,
    page: PageArgs,
  ): Promise<Connection<Invitation>> {
    return this.invitations.pageOfSpace(ability, spaceId, status, now, page);
  }

  /** The caller's own grant from the invitation, if they accepted it. */
  membershipOf(invitationId: string, userId: string): Promise<Membership | null> {
    return this.invitations.membershipFrom(invitationId, userId);
  }

  /**
   * What was mailed about it and how sending went: for the space's leaders and the
   * overseers only (an invitee, or an inviter no longer leading the space, gets nothing).
   */
  async mailDeliveries(p: Principal, inv: Invitation): Promise<MailMessage[]> {
    const leads = p.activeMemberships.some(
      (m) => m.spaceId === inv.spaceId && (m.role === MembershipRole.OWNER || m.role === MembershipRole.ANIMATOR),
    );
    if (!leads && !isOverseer(p)) return [];
    return this.invitations.mailAbout(inv.id);
  }

  spaceNames(ids: readonly string[]): Promise<{ id: string; name: string }[]> {
    return this.invitations.spaceNames(ids);
  }

  userNames(ids: readonly string[]): Promise<{ id: string; display_name: string }[]> {
    return this.invitations.userNames(ids);
  }

  visibleOrganizations(ability: AppAbility, ids: readonly string[]): Promise<Organization[]> {
    return this.invitations.visibleOrganizations(ability, ids);
  }
}
