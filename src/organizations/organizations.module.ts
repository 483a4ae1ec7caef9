import { Module, OnModuleInit } from '@nestjs/common';
import { NodeRegistry } from '../graphql/node-registry';
import { OrganizationAdminResolver } from './organization-admin.resolver';
import { OrganizationAdminService } from './organization-admin.service';
import { OrganizationsResolver } from './organizations.resolver';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';

@Module({
  providers: [
    OrganizationsRepository,
    OrganizationsService,
    OrganizationsResolver,
    OrganizationAdminService,
    OrganizationAdminResolver,
  ],
  exports: [OrganizationsService],
})
export class OrganizationsModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly organizations: OrganizationsService,
  ) {}

  onModuleInit(): void {
    this.nodes.register('Organization', 'organizations', (ability, id) => this.organizations.findVisible(ability, id));
  }
}
