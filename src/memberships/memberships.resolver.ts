import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { WriteActor } from '../access/write-runner';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { Membership } from '../database/entities/membership.entity';
import { UpdateMembershipInput } from './dto/update-membership.input';
import { MembershipModel } from './models/membership.model';
import { MembershipsService } from './memberships.service';

function actorOf(v: Viewer): WriteActor {
  return { principal: v.principal, ability: v.ability, requestId: v.ctx.req.requestId };
}

/**
 * Grants over GraphQL. Every call goes through MembershipsService, which checks in order that
 * the caller sees the grant (NOT_FOUND), may act on it (FORBIDDEN), and the state and values,
 * and audits the change or the refusal.
 */
@Resolver(() => MembershipModel)
export class MembershipsResolver {
  constructor(private readonly memberships: MembershipsService) {}

  @Mutation(() => MembershipModel, {
    description:
      "Changes a grant's role or expiry: the space's OWNERs or a HOST_ADMIN; ANIMATORs for MEMBER and OBSERVER grants.",
  })
  updateMembership(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateMembershipInput,
  ): Promise<Membership> {
    return this.memberships.updateMembership(actorOf(v), id, input);
  }

  @Mutation(() => MembershipModel, {
    description: 'Moves an active grant’s expiry later (externals: 365 days from now at most).',
  })
  extendMembership(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('until', { type: () => Date }) until: Date,
  ): Promise<Membership> {
    return this.memberships.extendMembership(actorOf(v), id, until);
  }

  @Mutation(() => MembershipModel, {
    description: 'Renews an active grant before it lapses: its sponsor, or whoever may change it.',
  })
  renewMembership(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('until', { type: () => Date }) until: Date,
  ): Promise<Membership> {
    return this.memberships.renewMembership(actorOf(v), id, until);
  }

  @Mutation(() => MembershipModel, { description: 'Ends a grant (ACTIVE or SUSPENDED); never the last OWNER.' })
  revokeMembership(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason') reason: string,
  ): Promise<Membership> {
    return this.memberships.revokeMembership(actorOf(v), id, reason);
  }

  @Mutation(() => MembershipModel, {
    description: "Ends the caller's own grant in a space; the last OWNER cannot leave.",
  })
  leaveSpace(@CurrentViewer() v: Viewer, @Args('spaceId', { type: () => ID }) spaceId: string): Promise<Membership> {
    return this.memberships.leaveSpace(actorOf(v), spaceId);
  }
}
