import { CarriedCheck } from '../graphql/carried-check';
import { Module, OnModuleInit } from '@nestjs/common';
import { NodeRegistry } from '../graphql/node-registry';
import { OrganizationsModule } from '../organizations/organizations.module';
import { OrganizationSponsorResolver, UserAdminResolver } from './user-admin.resolver';
import { UserAdminService } from './user-admin.service';
import { UsersResolver } from './users.resolver';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [OrganizationsModule],
  providers: [
    UsersRepository,
    UsersService,
    UsersResolver,
    CarriedCheck,
    UserAdminService,
    UserAdminResolver,
    OrganizationSponsorResolver,
  ],
  exports: [UsersService],
})
export class UsersModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly users: UsersService,
  ) {}

  onModuleInit(): void {
    this.nodes.register('User', 'users', (ability, id) => this.users.findVisible(ability, id));
  }
}
