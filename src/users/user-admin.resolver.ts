import { Args, ID, Int, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { WriteActor } from '../access/write-runner';
import { hasRole, isOverseer } from '../auth/principal';
import { Locale, UserRole } from '../common/domain.enums';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { Organization } from '../database/entities/organization.entity';
import { User } from '../database/entities/user.entity';
import { OrganizationModel } from '../organizations/models/organization.model';
import { managedFieldsVisible } from '../organizations/organization-admin.resolver';
import { UpdateProfileInput } from './dto/update-profile.input';
import { UpdateUserInput } from './dto/update-user.input';
import { UserModel } from './models/user.model';
import { UserAdminService } from './user-admin.service';
import { UsersService } from './users.service';

/**
 * People's administration: clearance, roles and language (the service authorizes, validates
 * and audits). These fields are access-policy data: shown to the person, to HOST_ADMIN and
 * SECURITY_REVIEWER, and to the PARTNER_ADMINs of the person's organisation; null elsewhere.
 */
@Resolver(() => UserModel)
export class UserAdminResolver {
  constructor(private readonly users: UserAdminService) {}

  @Mutation(() => UserModel, {
    description:
      "Sets a person's clearance, roles or language: HOST_ADMIN for anyone, PARTNER_ADMIN for their organisation's people, anyone their own language. The profile fields (jobTitle, skills, bio, hiddenFromExternals): the person themself only.",
  })
  updateUser(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateUserInput,
  ): Promise<User> {
    return this.users.update(actorOf(v), id, input);
  }

  @Mutation(() => UserModel, {
    description: "The caller's own profile in the directory of experts: job title, skills, bio, hidden from externals.",
  })
  updateProfile(@CurrentViewer() v: Viewer, @Args('input') input: UpdateProfileInput): Promise<User> {
    return this.users.updateProfile(actorOf(v), input);
  }

  @ResolveField(() => Boolean, {
    nullable: true,
    description:
      "Whether the person keeps their profile out of externals' directory: null unless the caller is that person.",
  })
  hiddenFromExternals(@CurrentViewer() v: Viewer, @Parent() u: User): boolean | null {
    return v.principal.userId === u.id ? u.hiddenFromExternals : null;
  }

  @ResolveField(() => Int, { nullable: true, description: 'Clearance 0-4 as set; null where hidden.' })
  clearance(@CurrentViewer() v: Viewer, @Parent() u: User): number | null {
    return policyFieldsVisible(v, u) ? u.clearance : null;
  }

  @ResolveField(() => [UserRole], { nullable: true, description: 'Roles; null where hidden.' })
  roles(@CurrentViewer() v: Viewer, @Parent() u: User): UserRole[] | null {
    return policyFieldsVisible(v, u) ? u.roles : null;
  }

  @ResolveField(() => Locale, { nullable: true, description: 'Language of mails and notices; null where hidden.' })
  locale(@CurrentViewer() v: Viewer, @Parent() u: User): Locale | null {
    return policyFieldsVisible(v, u) ? u.locale : null;
  }
}

/** An organisation's internal sponsor, where its managed fields show and the caller sees that person. */
@Resolver(() => OrganizationModel)
export class OrganizationSponsorResolver {
  constructor(private readonly users: UsersService) {}

  @ResolveField(() => UserModel, { nullable: true, description: 'The internal sponsor; null where hidden or none.' })
  async sponsor(@CurrentViewer() v: Viewer, @Parent() o: Organization): Promise<User | null> {
    if (!o.sponsorId || !managedFieldsVisible(v, o)) return null;
    return this.users.findVisible(v.ability, o.sponsorId);
  }
}

function policyFieldsVisible(v: Viewer, u: User): boolean {
  const p = v.principal;
  if (p.userId === u.id || isOverseer(p)) return true;
  return !p.isHost && hasRole(p, UserRole.PARTNER_ADMIN) && p.organizationId === u.organizationId;
}

function actorOf(v: Viewer): WriteActor {
  return { principal: v.principal, ability: v.ability, requestId: v.ctx.req.requestId };
}
