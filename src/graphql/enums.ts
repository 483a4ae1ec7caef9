import { registerEnumType } from '@nestjs/graphql';
import {
  InvitationStatus,
  MembershipRole,
  MembershipStatus,
  OrganizationKind,
  OrganizationStatus,
  PartnerVisibility,
  SpaceStatus,
  UserRole,
  UserStatus,
} from '../common/domain.enums';

registerEnumType(OrganizationKind, { name: 'OrganizationKind' });
registerEnumType(OrganizationStatus, { name: 'OrganizationStatus' });
registerEnumType(UserStatus, { name: 'UserStatus' });
registerEnumType(UserRole, { name: 'UserRole' });
registerEnumType(SpaceStatus, { name: 'SpaceStatus' });
registerEnumType(PartnerVisibility, {
  name: 'PartnerVisibility',
  description:
    "OPEN: every member sees all content (subject to labels). HUB: an external member sees only the host's and their own organisation's contributions.",
});
registerEnumType(MembershipRole, { name: 'MembershipRole' });
registerEnumType(MembershipStatus, { name: 'MembershipStatus' });
registerEnumType(InvitationStatus, { name: 'InvitationStatus' });
