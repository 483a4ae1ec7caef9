import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { DenialService } from '../access/denial.service';
import { WriteActor } from '../access/write-runner';
import { Clock } from '../common/clock';
import { InvitationStatus } from '../common/domain.enums';
import { Invitation } from '../database/entities/invitation.entity';
import { MailMessage } from '../database/entities/mail-message.entity';
import { Membership } from '../database/entities/membership.entity';
import { Organization } from '../database/entities/organization.entity';
import { Space } from '../database/entities/space.entity';
import { User } from '../database/entities/user.entity';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { Connection, PageArgs, parseId } from '../graphql/pagination';
import { byKey, requestLoader } from '../graphql/request-loaders';
import { OrganizationModel } from '../organizations/models/organization.model';
import { MembershipModel } from '../spaces/models/membership.model';
import { SpaceModel } from '../spaces/models/space.model';
import { SpacesService } from '../spaces/spaces.service';
import { UserModel } from '../users/models/user.model';
import { UsersService } from '../users/users.service';
import { InviteToSpaceInput } from './dto/invite-to-space.input';
import { effectiveStatus } from './invitation-state';
import { invitationSubject } from './invitations.service';
import { InvitationReadsService } from './invitation-reads.service';
import { InvitationsService } from './invitations.service';
import { InvitationConnection, InvitationModel } from './models/invitation.model';
import { InvitationPermissionsModel } from './models/invitation-permissions.model';
import { MailDeliveryModel } from './models/mail-delivery.model';

function actorOf(v: Viewer): WriteActor {
  return { principal: v.principal, ability: v.ability, requestId: v.ctx.req.requestId };
}

@Resolver(() => InvitationModel)
export class InvitationsResolver {
  constructor(
    private readonly invitations: InvitationsService,
    private readonly reads: InvitationReadsService,
    private readonly spaces: SpacesService,
    private readonly users: UsersService,
    private readonly denials: DenialService,
    private readonly clock: Clock,
  ) {}

  // --- Writes. ---

  @Mutation(() => InvitationModel, {
    description:
      "Invites a person (by email) or a whole partner or client organisation into a space: the space's OWNERs and ANIMATORs. An external invitation to a space classified 2 or more, or with an open critical risk, waits for a second OWNER (PENDING_APPROVAL).",
  })
  inviteToSpace(@CurrentViewer() v: Viewer, @Args('input') input: InviteToSpaceInput): Promise<Invitation> {
    return this.invitations.invite(actorOf(v), input);
  }

  @Mutation(() => InvitationModel, {
    description: 'Four eyes: another OWNER of the space, or a HOST_ADMIN, lets a PENDING_APPROVAL invitation go out.',
  })
  approveInvitation(@CurrentViewer() v: Viewer, @Args('id', { type: () => ID }) id: string): Promise<Invitation> {
    return this.invitations.approve(actorOf(v), id);
  }

  @Mutation(() => InvitationModel, { description: 'Four eyes: refuses a PENDING_APPROVAL invitation, with a reason.' })
  rejectInvitation(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason') reason: string,
  ): Promise<Invitation> {
    return this.invitations.reject(actorOf(v), id, reason);
  }

  @Mutation(() => InvitationModel, {
    description:
      'Withdraws an open invitation: the inviter, an OWNER of the space, a HOST_ADMIN. For an organisation invitation it stops future acceptances; the memberships already created from it stay.',
  })
  revokeInvitation(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason', { type: () => String, nullable: true }) reason?: string | null,
  ): Promise<Invitation> {
    return this.invitations.revoke(actorOf(v), id, reason);
  }

  @Mutation(() => InvitationModel, {
    description:
      "The invitee accepts: signed in through an IdP connection of the invited organisation (or with an operator-issued API token). Creates the caller's membership (Invitation.membership).",
  })
  acceptInvitation(@CurrentViewer() v: Viewer, @Args('id', { type: () => ID }) id: string): Promise<Invitation> {
    return this.invitations.accept(actorOf(v), id);
  }

  @Mutation(() => InvitationModel, {
    description:
      'The invitee declines. An organisation invitation stays open for the organisation’s other users and leaves this user’s list.',
  })
  declineInvitation(@CurrentViewer() v: Viewer, @Args('id', { type: () => ID }) id: string): Promise<Invitation> {
    return this.invitations.decline(actorOf(v), id);
  }

  // --- Reads. ---

  @Query(() => InvitationConnection, {
    description:
      'Open invitations the caller may accept (for their address in their organisation, or for their whole organisation), newest first.',
  })
  myInvitations(@CurrentViewer() v: Viewer, @Args() page: PageArgs): Promise<Connection<Invitation>> {
    return this.reads.acceptable(v.ability, v.principal, page);
  }

  @Query(() => InvitationModel, {
    nullable: true,
    description:
      "An invitation the caller reads (the space's leaders, the inviter, the invitee, overseers); NOT_FOUND otherwise.",
  })
  async invitation(@CurrentViewer() v: Viewer, @Args('id', { type: () => ID }) id: string): Promise<Invitation> {
    const uuid = parseId(id);
    const found = uuid ? await this.reads.findVisible(v.ability, uuid) : null;
    if (!found) throw await this.denials.notFound(v.principal, 'Invitation', id, v.ctx.req.requestId);
    return found;
  }

  // --- Fields. ---

  @ResolveField(() => InvitationStatus)
  status(@Parent() inv: Invitation): InvitationStatus {
    return effectiveStatus(inv, this.clock.now());
  }

  @ResolveField(() => String, { nullable: true })
  decisionReason(@CurrentViewer() v: Viewer, @Parent() inv: Invitation): string | null {
    // Four-eyes and revocation reasons are the host's: never shown to the invitee.
    return v.principal.isHost ? inv.decisionReason : null;
  }

  @ResolveField(() => SpaceModel, {
    nullable: true,
    description: 'The space, if the caller sees it (not yet the invitee).',
  })
  space(@CurrentViewer() v: Viewer, @Parent() inv: Invitation): Promise<Space | null> {
    return requestLoader<string, Space | null>(v.ctx, 'invitations.spaces', async (ids) =>
      byKey(ids, await this.spaces.findManyVisible(v.ability, ids), (s) => s.id),
    ).load(inv.spaceId);
  }

  @ResolveField(() => String, { description: "The space's name: the invitee reads it before joining, as in the mail." })
  async spaceName(@CurrentViewer() v: Viewer, @Parent() inv: Invitation): Promise<string> {
    const row = await requestLoader<string, { id: string; name: string } | null>(
      v.ctx,
      'invitations.spaceNames',
      async (ids) => byKey(ids, await this.reads.spaceNames(ids), (s) => s.id),
    ).load(inv.spaceId);
    return row?.name ?? '';
  }

  @ResolveField(() => OrganizationModel, {
    nullable: true,
    description: 'The invited organisation, if the caller sees it.',
  })
  organization(@CurrentViewer() v: Viewer, @Parent() inv: Invitation): Promise<Organization | null> {
    return requestLoader<string, Organization | null>(v.ctx, 'invitations.organizations', async (ids) =>
      byKey(ids, await this.reads.visibleOrganizations(v.ability, ids), (o) => o.id),
    ).load(inv.organizationId);
  }

  @ResolveField(() => UserModel, { nullable: true, description: 'The inviter, if the caller sees them.' })
  invitedBy(@CurrentViewer() v: Viewer, @Parent() inv: Invitation): Promise<User | null> {
    return this.visibleUser(v, inv.invitedById);
  }

  @ResolveField(() => String, { description: "The inviter's name, as in the mail." })
  async invitedByName(@CurrentViewer() v: Viewer, @Parent() inv: Invitation): Promise<string> {
    const row = await requestLoader<string, { id: string; display_name: string } | null>(
      v.ctx,
      'invitations.userNames',
      async (ids) => byKey(ids, await this.reads.userNames(ids), (u) => u.id),
    ).load(inv.invitedById);
    return row?.display_name ?? '';
  }

  @ResolveField(() => UserModel, {
    nullable: true,
    description: 'The internal sponsor (externals), if the caller sees them.',
  })
  sponsor(@CurrentViewer() v: Viewer, @Parent() inv: Invitation): Promise<User | null> {
    return inv.sponsorId ? this.visibleUser(v, inv.sponsorId) : Promise.resolve(null);
  }

  @ResolveField(() => UserModel, {
    nullable: true,
    description: 'Who approved it (four eyes), if the caller sees them.',
  })
  approvedBy(@CurrentViewer() v: Viewer, @Parent() inv: Invitation): Promise<User | null> {
    return inv.approvedById ? this.visibleUser(v, inv.approvedById) : Promise.resolve(null);
  }

  @ResolveField(() => InvitationPermissionsModel, {
    description:
      'What the caller may do with it now, by the rules approveInvitation and revokeInvitation check (and its status: only an open invitation is approved or revoked).',
  })
  viewerCan(@CurrentViewer() v: Viewer, @Parent() inv: Invitation): InvitationPermissionsModel {
    const status = effectiveStatus(inv, this.clock.now());
    const subject = invitationSubject(inv);
    const open = status === InvitationStatus.PENDING || status === InvitationStatus.PENDING_APPROVAL;
    return {
      approve: status === InvitationStatus.PENDING_APPROVAL && v.ability.can('approve', subject),
      revoke: open && v.ability.can('revoke', subject),
    };
  }

  @ResolveField(() => MembershipModel, {
    nullable: true,
    description: "The caller's membership granted by this invitation.",
  })
  membership(@CurrentViewer() v: Viewer, @Parent() inv: Invitation): Promise<Membership | null> {
    return this.reads.membershipOf(inv.id, v.principal.userId);
  }

  @ResolveField(() => [MailDeliveryModel], {
    description:
      "Mails sent about it and their delivery: the space's OWNERs and ANIMATORs and the overseers; empty for others.",
  })
  async mailDeliveries(@CurrentViewer() v: Viewer, @Parent() inv: Invitation): Promise<MailDeliveryModel[]> {
    const rows: MailMessage[] = await this.reads.mailDeliveries(v.principal, inv);
    return rows.map((r) => ({
      id: r.id,
      to: r.toAddress,
      template: r.template,
      status: r.status,
      attempts: r.attempts,
      lastError: r.lastError,
      sentAt: r.sentAt,
      createdAt: r.createdAt,
    }));
  }

  private visibleUser(v: Viewer, id: string): Promise<User | null> {
    return requestLoader<string, User | null>(v.ctx, 'invitations.users', async (ids) =>
      byKey(ids, await this.users.findManyVisible(v.ability, ids), (u) => u.id),
    ).load(id);
  }
}
