import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SpacesModule } from '../spaces/spaces.module';
import { UsersModule } from '../users/users.module';
import { InvitationExpiryJob } from './invitation-expiry.job';
import { InvitationReadsService } from './invitation-reads.service';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsResolver } from './invitations.resolver';
import { InvitationsService } from './invitations.service';
import { SpaceInvitationsResolver } from './space-invitations.resolver';

/** Invitations into spaces: invite, four eyes, revoke, accept, decline, expiry (issue 8, item 2). */
@Module({
  imports: [OrganizationsModule, UsersModule, SpacesModule],
  providers: [
    InvitationsRepository,
    InvitationsService,
    InvitationReadsService,
    InvitationsResolver,
    SpaceInvitationsResolver,
    InvitationExpiryJob,
  ],
  exports: [InvitationsService, InvitationExpiryJob],
})
export class InvitationsModule {}
