import { Module } from '@nestjs/common';
import { AuditLogModule } from './audit-log/audit-log.module';
import { CommunityHealthModule } from './community-health/community-health.module';
import { ContentModule } from './content/content.module';
import { MembershipsModule } from './memberships/memberships.module';
import { InvitationsModule } from './invitations/invitations.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { PolicyModule } from './policy/policy.module';
import { ReachModule } from './reach/reach.module';
import { RisksModule } from './risks/risks.module';
import { RealtimeModule } from './realtime/realtime.module';
import { RecertificationModule } from './recertification/recertification.module';
import { SpacesModule } from './spaces/spaces.module';
import { SuspensionsModule } from './suspensions/suspensions.module';
import { ConnectionsModule } from './sso/connections/connections.module';
import { UsersModule } from './users/users.module';

/** The features the API serves; each registers its resolvers and its `node(id)` types. */
@Module({
  imports: [
    OrganizationsModule,
    UsersModule,
    SpacesModule,
    ContentModule,
    ConnectionsModule,
    MembershipsModule,
    SuspensionsModule,
    InvitationsModule,
    RisksModule,
    CommunityHealthModule,
    RealtimeModule,
    RecertificationModule,
    PolicyModule,
    AuditLogModule,
    ReachModule,
  ],
})
export class ApiModule {}
