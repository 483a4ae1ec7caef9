import { Module } from '@nestjs/common';
import { MembershipsModule } from '../memberships/memberships.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SpacesModule } from '../spaces/spaces.module';
import { AccessReviewRepository } from './access-review.repository';
import { AccessReviewResolver } from './access-review.resolver';
import { AccessReviewService } from './access-review.service';
import { RecertificationJobs } from './recertification.jobs';
import { RecertificationRepository } from './recertification.repository';
import { RecertificationResolver } from './recertification.resolver';
import { RecertificationService } from './recertification.service';

/** Access reviews and recertification campaigns (issue 10 items 5 and 8). */
@Module({
  imports: [MembershipsModule, OrganizationsModule, SpacesModule],
  providers: [
    AccessReviewRepository,
    AccessReviewService,
    AccessReviewResolver,
    RecertificationRepository,
    RecertificationService,
    RecertificationResolver,
    RecertificationJobs,
  ],
  exports: [RecertificationJobs],
})
export class RecertificationModule {}
