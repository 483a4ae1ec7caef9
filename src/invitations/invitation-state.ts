import { WriteErrorCode, WriteException } from '../access/write.exception';
import { InvitationStatus } from '../common/domain.enums';

/** Statuses in which an invitation still waits for someone (an approver or the invitee). */
export const OPEN_INVITATION_STATUSES: readonly InvitationStatus[] = [
  InvitationStatus.PENDING_APPROVAL,
  InvitationStatus.PENDING,
];

/**
 * The status as people must read it: an open invitation past its expiry is EXPIRED from
 * that instant, even before the expiry job has written it.
 */
export function effectiveStatus(inv: { status: InvitationStatus; expiresAt: Date }, now: Date): InvitationStatus {
  return OPEN_INVITATION_STATUSES.includes(inv.status) && inv.expiresAt.getTime() <= now.getTime()
    ? InvitationStatus.EXPIRED
    : inv.status;
}

/**
 * Why an invitation cannot take a transition that needs one of `allowed`, or null when it
 * can: each state has its own code, so a refusal says exactly what happened to it.
 */
export function stateRefusal(
  inv: { id: string; status: InvitationStatus; expiresAt: Date },
  now: Date,
  allowed: readonly InvitationStatus[],
): WriteException | null {
  const status = effectiveStatus(inv, now);
  if (allowed.includes(status)) return null;
  const details = { invitationId: inv.id, status };
  switch (status) {
    case InvitationStatus.EXPIRED:
      return new WriteException(WriteErrorCode.INVITATION_EXPIRED, 'The invitation has expired', details);
    case InvitationStatus.REVOKED:
      return new WriteException(WriteErrorCode.INVITATION_REVOKED, 'The invitation was revoked', details);
    case InvitationStatus.ACCEPTED:
    case InvitationStatus.DECLINED:
    case InvitationStatus.REJECTED:
      return new WriteException(
        WriteErrorCode.INVITATION_ANSWERED,
        `The invitation was already answered (${status})`,
        details,
      );
    case InvitationStatus.PENDING_APPROVAL:
      return new WriteException(
        WriteErrorCode.INVITATION_AWAITING_APPROVAL,
        'The invitation is waiting for a second OWNER to approve it',
        details,
      );
    case InvitationStatus.PENDING:
      return new WriteException(
        WriteErrorCode.INVITATION_NOT_PENDING,
        'The invitation does not await approval',
        details,
      );
  }
}
