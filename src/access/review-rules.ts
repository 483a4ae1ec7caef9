import { AbilityBuilder } from '@casl/ability';
import { UserRole } from '../common/domain.enums';
import { hasRole, isOverseer, Principal } from '../auth/principal';
import { AppAbility } from './subjects';

/**
 * The security review (DESIGN.md section 4): who may read the policy, explain decisions,
 * list who can access what, run access reviews and campaigns, and read the audit log.
 * Reviewing access is not reading content: none of these rules lets anyone read a post.
 *
 * - `review` a User (explain, reach, view as, dry runs), a Space or a Post (who can access):
 *   HOST_ADMIN and SECURITY_REVIEWER.
 * - `review` an Organization (its access review): the overseers, and a partner's
 *   PARTNER_ADMIN for their own organisation.
 * - `read` the AuditEvent log: the overseers all of it; a PARTNER_ADMIN the events about
 *   their own organisation's people (`aboutOrganizationId`).
 * - Recertification: the overseers start and read campaigns; a grant in a campaign is
 *   certified (or revoked) by its sponsor, the space's OWNERs, or HOST_ADMIN.
 */
export function defineReviewRules({ can }: Pick<AbilityBuilder<AppAbility>, 'can'>, p: Principal): void {
  const admin = p.isHost && hasRole(p, UserRole.HOST_ADMIN);
  const partnerAdmin = !p.isHost && hasRole(p, UserRole.PARTNER_ADMIN);
  if (isOverseer(p)) {
    can('review', ['User', 'Space', 'Post', 'Organization']);
    can('read', 'AuditEvent');
    can(['create', 'read'], 'RecertificationCampaign');
  }
  if (partnerAdmin) {
    can('review', 'Organization', { id: p.organizationId });
    can('read', 'AuditEvent', { aboutOrganizationId: p.organizationId });
  }
  const owned = p.activeMemberships.filter((m) => m.role === 'OWNER').map((m) => m.spaceId);
  can('certify', 'Membership', { sponsorId: p.userId });
  if (owned.length) can('certify', 'Membership', { spaceId: { $in: owned } });
  if (admin) can('certify', 'Membership');
}
