import { CarriedCheck } from '../graphql/carried-check';
import { Module, OnModuleInit } from '@nestjs/common';
import { NodeRegistry } from '../graphql/node-registry';
import { UsersModule } from '../users/users.module';
import { MembershipResolver } from './membership.resolver';
import { NotificationSpaceResolver } from './notification-space.resolver';
import { SpaceAdminResolver } from './space-admin.resolver';
import { SpaceAdminService } from './space-admin.service';
import { SpacesResolver } from './spaces.resolver';
import { SpacesRepository } from './spaces.repository';
import { SpacesService } from './spaces.service';

@Module({
  imports: [UsersModule],
  providers: [
    SpacesRepository,
    SpacesService,
    SpacesResolver,
    CarriedCheck,
    MembershipResolver,
    NotificationSpaceResolver,
    SpaceAdminService,
    SpaceAdminResolver,
  ],
  exports: [SpacesService],
})
export class SpacesModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly spaces: SpacesService,
  ) {}

  onModuleInit(): void {
    this.nodes.register('Space', 'spaces', (ability, id) => this.spaces.findVisible(ability, id));
  }
}
