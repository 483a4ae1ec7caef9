import { Module, OnModuleInit } from '@nestjs/common';
import { NodeRegistry } from '../graphql/node-registry';
import { SpacesModule } from '../spaces/spaces.module';
import { UsersModule } from '../users/users.module';
import { RiskEntryRevisionResolver, RisksResolver } from './risks.resolver';
import { RisksRepository } from './risks.repository';
import { RisksService } from './risks.service';

/** The risk map of each space: entries, history, the matrix and the reviewers' overview. */
@Module({
  imports: [UsersModule, SpacesModule],
  providers: [RisksRepository, RisksService, RisksResolver, RiskEntryRevisionResolver],
})
export class RisksModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly risks: RisksService,
  ) {}

  onModuleInit(): void {
    this.nodes.register('RiskEntry', 'risk_entries', (ability, id) => this.risks.findVisible(ability, id));
  }
}
