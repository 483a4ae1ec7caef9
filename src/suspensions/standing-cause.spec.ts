import { OrganizationStatus, SuspensionCause, UserStatus } from '../common/domain.enums';
import { GrantState, standingCause } from './standing-cause';

const ok: GrantState = { userStatus: UserStatus.ACTIVE, organizationStatus: OrganizationStatus.ACTIVE, cleared: true };

describe('standingCause', () => {
  it('lets a grant come back when nothing else holds it', () => {
    expect(standingCause(ok, SuspensionCause.ORGANIZATION_SUSPENDED)).toBeNull();
    expect(standingCause(ok, SuspensionCause.USER_DISABLED)).toBeNull();
  });

  it('keeps the grant of a disabled person when the organisation comes back', () => {
    const g = { ...ok, userStatus: UserStatus.DISABLED };
    expect(standingCause(g, SuspensionCause.ORGANIZATION_SUSPENDED)).toBe(SuspensionCause.USER_DISABLED);
  });

  it('keeps the grant of a person enabled while the organisation is still suspended', () => {
    const g = { ...ok, organizationStatus: OrganizationStatus.SUSPENDED };
    expect(standingCause(g, SuspensionCause.USER_DISABLED)).toBe(SuspensionCause.ORGANIZATION_SUSPENDED);
  });

  it('keeps a grant whose clearance no longer reaches the space', () => {
    const g = { ...ok, cleared: false };
    expect(standingCause(g, SuspensionCause.ORGANIZATION_SUSPENDED)).toBe(SuspensionCause.CLEARANCE);
    expect(standingCause(g, SuspensionCause.USER_DISABLED)).toBe(SuspensionCause.CLEARANCE);
  });
});
