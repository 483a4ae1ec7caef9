import { Module } from '@nestjs/common';
import { SpacesModule } from '../spaces/spaces.module';
import { CommunityHealthRepository } from './community-health.repository';
import { CommunityHealthResolver } from './community-health.resolver';
import { CommunityHealthService } from './community-health.service';

/** Community health: per-period aggregates of a space, and the pilot spaces against the others. */
@Module({
  imports: [SpacesModule],
  providers: [CommunityHealthRepository, CommunityHealthService, CommunityHealthResolver],
})
export class CommunityHealthModule {}
