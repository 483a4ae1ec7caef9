import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { DenialService } from '../access/denial.service';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { parseId, Connection, PageArgs } from '../graphql/pagination';
import { Organization } from '../database/entities/organization.entity';
import { OrganizationConnection, OrganizationModel } from './models/organization.model';
import { OrganizationsService } from './organizations.service';

@Resolver(() => OrganizationModel)
export class OrganizationsResolver {
  constructor(
    private readonly organizationsService: OrganizationsService,
    private readonly denials: DenialService,
  ) {}

  @Query(() => OrganizationModel, {
    nullable: true,
    description: 'An organisation the caller sees; NOT_FOUND otherwise.',
  })
  async organization(@CurrentViewer() v: Viewer, @Args('id', { type: () => ID }) id: string): Promise<Organization> {
    const uuid = parseId(id);
    const found = uuid ? await this.organizationsService.findVisible(v.ability, uuid) : null;
    if (!found) throw await this.denials.notFound(v.principal, 'Organization', id, v.ctx.req.requestId);
    return found;
  }

  @Query(() => OrganizationConnection, { description: 'Every organisation the caller sees.' })
  organizations(@CurrentViewer() v: Viewer, @Args() page: PageArgs): Promise<Connection<Organization>> {
    return this.organizationsService.list(v.ability, page);
  }
}
