import { OrganizationStatus, SuspensionCause, UserStatus } from '../common/domain.enums';

/** What decides whether a suspended grant may come back. */
export interface GrantState {
  userStatus: UserStatus;
  organizationStatus: OrganizationStatus;
  /** The member's effective clearance reaches the space's classification. */
  cleared: boolean;
}

/**
 * A grant keeps one suspension cause. When `lifted` goes away, the cause still standing, if
 * any, takes its place (the person disabled, the organisation suspended, a clearance that
 * no longer reaches the space), so the grant comes back only once nothing holds it.
 */
export function standingCause(g: GrantState, lifted: SuspensionCause): SuspensionCause | null {
  if (lifted !== SuspensionCause.USER_DISABLED && g.userStatus === UserStatus.DISABLED) {
    return SuspensionCause.USER_DISABLED;
  }
  if (lifted !== SuspensionCause.ORGANIZATION_SUSPENDED && g.organizationStatus === OrganizationStatus.SUSPENDED) {
    return SuspensionCause.ORGANIZATION_SUSPENDED;
  }
  if (!g.cleared) return SuspensionCause.CLEARANCE;
  return null;
}
