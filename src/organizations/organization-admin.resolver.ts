import { Args, ID, Int, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { WriteActor } from '../access/write-runner';
import { OrganizationKind, OrganizationStatus } from '../common/domain.enums';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { Organization } from '../database/entities/organization.entity';
import { CreateOrganizationInput } from './dto/create-organization.input';
import { UpdateOrganizationInput } from './dto/update-organization.input';
import { OrganizationModel } from './models/organization.model';
import { OrganizationAdminService } from './organization-admin.service';

/**
 * Organisations' administration: HOST_ADMIN creates and changes them (the service authorizes,
 * validates and audits). The fields it manages are shown like email addresses (DESIGN 2): to
 * the organisation's own people and to host users; everyone sees the host's; a partner never
 * sees another partner's domains, cap or status.
 */
@Resolver(() => OrganizationModel)
export class OrganizationAdminResolver {
  constructor(private readonly organizations: OrganizationAdminService) {}

  @Mutation(() => OrganizationModel, { description: 'Creates a partner or client organisation (HOST_ADMIN).' })
  createOrganization(@CurrentViewer() v: Viewer, @Args('input') input: CreateOrganizationInput): Promise<Organization> {
    return this.organizations.create(actorOf(v), input);
  }

  @Mutation(() => OrganizationModel, {
    description: "Changes an organisation's name, domains, clearance cap or sponsor (HOST_ADMIN).",
  })
  updateOrganization(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateOrganizationInput,
  ): Promise<Organization> {
    return this.organizations.update(actorOf(v), id, input);
  }

  @ResolveField(() => [String], {
    nullable: true,
    description: "Verified email domains; null where hidden (a partner never sees another partner's).",
  })
  domains(@CurrentViewer() v: Viewer, @Parent() o: Organization): string[] | null {
    return managedFieldsVisible(v, o) ? o.domains : null;
  }

  @ResolveField(() => Int, {
    nullable: true,
    description: 'The highest effective clearance of its people, 0-4; null where hidden.',
  })
  clearanceCap(@CurrentViewer() v: Viewer, @Parent() o: Organization): number | null {
    return managedFieldsVisible(v, o) ? o.clearanceCap : null;
  }

  @ResolveField(() => OrganizationStatus, { nullable: true, description: 'ACTIVE or SUSPENDED; null where hidden.' })
  status(@CurrentViewer() v: Viewer, @Parent() o: Organization): OrganizationStatus | null {
    return managedFieldsVisible(v, o) ? o.status : null;
  }
}

/** The email rule applied to an organisation: host callers, its own people, or the host itself. */
export function managedFieldsVisible(v: Viewer, o: Organization): boolean {
  return v.principal.isHost || v.principal.organizationId === o.id || o.kind === OrganizationKind.HOST;
}

function actorOf(v: Viewer): WriteActor {
  return { principal: v.principal, ability: v.ability, requestId: v.ctx.req.requestId };
}
