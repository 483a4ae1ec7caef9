import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { WriteActor } from '../access/write-runner';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { ReactivationResult, SuspensionPreview, SuspensionResult } from './models/suspension.model';
import { SuspensionsService } from './suspensions.service';

/**
 * The kill switch over GraphQL. Every root field needs a signed-in caller (the global guard);
 * the service checks visibility (NOT_FOUND like a missing object), then the CASL rule
 * (FORBIDDEN with its reason), then the state, and audits every call, refusals included.
 * The dry runs are queries: they change nothing (only their audit event is written).
 */
@Resolver()
export class SuspensionsResolver {
  constructor(private readonly suspensions: SuspensionsService) {}

  @Query(() => SuspensionPreview, {
    description:
      'Dry run of suspendOrganization: every live session and token of its people, every ACTIVE grant and pending invitation it would end, and who would be told.',
  })
  previewOrganizationSuspension(
    @CurrentViewer() v: Viewer,
    @Args('organizationId', { type: () => ID }) organizationId: string,
  ): Promise<SuspensionPreview> {
    return this.suspensions.previewOrganizationSuspension(actorOf(v), organizationId);
  }

  /** The same dry run beside the switch it previews, for clients that send both as mutations. */
  @Mutation(() => SuspensionPreview, {
    name: 'previewOrganizationSuspension',
    description: 'Dry run of suspendOrganization, as the query of the same name: writes nothing but its audit event.',
  })
  previewOrganizationSuspensionAsMutation(
    @CurrentViewer() v: Viewer,
    @Args('organizationId', { type: () => ID }) organizationId: string,
  ): Promise<SuspensionPreview> {
    return this.suspensions.previewOrganizationSuspension(actorOf(v), organizationId);
  }

  @Mutation(() => SuspensionResult, {
    description:
      'The kill switch for a partner or client organisation (HOST_ADMIN, or a sponsor of its grants): ends all its sessions, tokens, grants and pending invitations at once, in one transaction.',
  })
  suspendOrganization(
    @CurrentViewer() v: Viewer,
    @Args('organizationId', { type: () => ID }) organizationId: string,
    @Args('reason') reason: string,
  ): Promise<SuspensionResult> {
    return this.suspensions.suspendOrganization(actorOf(v), organizationId, reason);
  }

  @Mutation(() => ReactivationResult, {
    description:
      'HOST_ADMIN only: the organisation is ACTIVE again and gets back the grants the suspension ended that have not expired meanwhile; sessions, tokens and invitations stay ended.',
  })
  reactivateOrganization(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ReactivationResult> {
    return this.suspensions.reactivateOrganization(actorOf(v), id);
  }

  @Query(() => SuspensionPreview, { description: 'Dry run of disableUser.' })
  previewUserDisable(
    @CurrentViewer() v: Viewer,
    @Args('userId', { type: () => ID }) userId: string,
  ): Promise<SuspensionPreview> {
    return this.suspensions.previewUserDisable(actorOf(v), userId);
  }

  @Mutation(() => SuspensionPreview, {
    name: 'previewUserDisable',
    description: 'Dry run of disableUser, as the query of the same name: writes nothing but its audit event.',
  })
  previewUserDisableAsMutation(
    @CurrentViewer() v: Viewer,
    @Args('userId', { type: () => ID }) userId: string,
  ): Promise<SuspensionPreview> {
    return this.suspensions.previewUserDisable(actorOf(v), userId);
  }

  @Mutation(() => SuspensionResult, {
    description:
      "The kill switch for one person (HOST_ADMIN, their PARTNER_ADMIN, or a sponsor of their grants; never oneself): ends their sessions, tokens, grants and pending invitations; the grants they sponsor move to the spaces' OWNERs.",
  })
  disableUser(
    @CurrentViewer() v: Viewer,
    @Args('userId', { type: () => ID }) userId: string,
    @Args('reason') reason: string,
  ): Promise<SuspensionResult> {
    return this.suspensions.disableUser(actorOf(v), userId, reason);
  }

  @Mutation(() => ReactivationResult, {
    description:
      "HOST_ADMIN or the person's PARTNER_ADMIN: the account is ACTIVE again and gets back the grants disabling it ended that have not expired meanwhile.",
  })
  enableUser(
    @CurrentViewer() v: Viewer,
    @Args('userId', { type: () => ID }) userId: string,
  ): Promise<ReactivationResult> {
    return this.suspensions.enableUser(actorOf(v), userId);
  }
}

function actorOf(v: Viewer): WriteActor {
  return { principal: v.principal, ability: v.ability, requestId: v.ctx.req.requestId };
}
