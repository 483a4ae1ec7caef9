import { WriteErrorCode } from '../access/write.exception';
import { InvitationStatus } from '../common/domain.enums';
import { effectiveStatus, stateRefusal } from './invitation-state';

const now = new Date('2026-06-01T00:00:00Z');
const later = new Date('2026-06-02T00:00:00Z');
const inv = (status: InvitationStatus, expiresAt = later) => ({ id: 'i', status, expiresAt });

describe('invitation state', () => {
  it('reads an open invitation as expired from the instant its expiry passes', () => {
    expect(effectiveStatus(inv(InvitationStatus.PENDING), now)).toBe(InvitationStatus.PENDING);
    expect(effectiveStatus(inv(InvitationStatus.PENDING, now), now)).toBe(InvitationStatus.EXPIRED);
    expect(effectiveStatus(inv(InvitationStatus.PENDING_APPROVAL, now), now)).toBe(InvitationStatus.EXPIRED);
    // An answered invitation keeps its answer, whatever its expiry.
    expect(effectiveStatus(inv(InvitationStatus.ACCEPTED, now), now)).toBe(InvitationStatus.ACCEPTED);
  });

  it.each([
    [InvitationStatus.PENDING_APPROVAL, WriteErrorCode.INVITATION_AWAITING_APPROVAL],
    [InvitationStatus.REVOKED, WriteErrorCode.INVITATION_REVOKED],
    [InvitationStatus.EXPIRED, WriteErrorCode.INVITATION_EXPIRED],
    [InvitationStatus.ACCEPTED, WriteErrorCode.INVITATION_ANSWERED],
    [InvitationStatus.DECLINED, WriteErrorCode.INVITATION_ANSWERED],
    [InvitationStatus.REJECTED, WriteErrorCode.INVITATION_ANSWERED],
  ])('refuses to accept a %s invitation with %s', (status, code) => {
    expect(stateRefusal(inv(status), now, [InvitationStatus.PENDING])?.code).toBe(code);
  });

  it('lets a transition through only from the statuses it allows', () => {
    expect(stateRefusal(inv(InvitationStatus.PENDING), now, [InvitationStatus.PENDING])).toBeNull();
    expect(stateRefusal(inv(InvitationStatus.PENDING), now, [InvitationStatus.PENDING_APPROVAL])?.code).toBe(
      WriteErrorCode.INVITATION_NOT_PENDING,
    );
    expect(stateRefusal(inv(InvitationStatus.PENDING, now), now, [InvitationStatus.PENDING])?.code).toBe(
      WriteErrorCode.INVITATION_EXPIRED,
    );
  });
});
