import { Module } from '@nestjs/common';
import { MembershipJobs } from './membership-jobs.service';
import { MembershipNotices } from './membership-notices';
import { MembershipsRepository } from './memberships.repository';
import { MembershipsResolver } from './memberships.resolver';
import { MembershipsService } from './memberships.service';

/** Grants: their changes, their ends, sponsors and renewal, and the scheduled work on them. */
@Module({
  providers: [MembershipsRepository, MembershipNotices, MembershipsService, MembershipsResolver, MembershipJobs],
  exports: [MembershipsService, MembershipsRepository, MembershipJobs],
})
export class MembershipsModule {}
