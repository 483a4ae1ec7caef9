import { FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { ErrorNotice } from '../components/common';
import { daysUntil } from '../components/dates';
import {
  ApproveInvitationDocument,
  InvitationAdminFragment,
  RejectInvitationDocument,
  RevokeInvitationDocument,
} from '../generated/graphql';
import { useI18n } from '../i18n';
import { roleName } from '../spaces/spaces';

/** One invitation as its space's leaders read it, with approve / reject / revoke where Invitation.viewerCan allows. */
export function InvitationCard({
  inv: given,
  showSpace = false,
}: {
  inv: InvitationAdminFragment;
  showSpace?: boolean;
}) {
  const { t, date } = useI18n();
  // The client keeps no cache: a decision's answer is the invitation as it now stands.
  const [inv, setInv] = useState(given);
  const invitee = inv.email ?? t('wholeOrganisation', { org: inv.organization?.name ?? '—' });
  return (
    <li className="card">
      <div className="row">
        <strong>{invitee}</strong>
        <span className={`tag status-${inv.status}`}>{t(`invitationStatus_${inv.status}`)}</span>
      </div>
      {showSpace && <p>{t('inSpace', { space: inv.spaceName })}</p>}
      <p className="muted">
        {roleName(t, inv.role)} · {t('invitedBy', { name: inv.invitedByName })} · {date(inv.createdAt)}
        {inv.sponsor && <> · {t('sponsoredBy', { name: inv.sponsor.displayName })}</>}
        {inv.approvedBy && <> · {t('approvedBy', { name: inv.approvedBy.displayName })}</>}
      </p>
      <p className="muted">
        {inv.membershipExpiresAt
          ? t('grantUntil', { date: date(inv.membershipExpiresAt), days: daysUntil(inv.membershipExpiresAt) })
          : t('grantNoEndShort')}
      </p>
      {inv.decisionReason && <p className="muted">{t('decisionReason', { reason: inv.decisionReason })}</p>}
      <InvitationDecisions inv={inv} invitee={invitee} onAnswer={setInv} />
    </li>
  );
}

function InvitationDecisions({
  inv,
  invitee,
  onAnswer,
}: {
  inv: InvitationAdminFragment;
  invitee: string;
  onAnswer: (inv: InvitationAdminFragment) => void;
}) {
  const { t } = useI18n();
  const [approved, approve] = useMutation(ApproveInvitationDocument);
  const [rejected, reject] = useMutation(RejectInvitationDocument);
  const [revoked, revoke] = useMutation(RevokeInvitationDocument);
  const [reason, setReason] = useState('');
  const [why, setWhy] = useState('');
  if (!inv.viewerCan.approve && !inv.viewerCan.revoke) return null;
  const submitApprove = async () => {
    const answer = await approve({ id: inv.id });
    if (answer.data) onAnswer(answer.data.approveInvitation);
  };
  const submitReject = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await reject({ id: inv.id, reason: reason.trim() });
    if (answer.data) onAnswer(answer.data.rejectInvitation);
  };
  const submitRevoke = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await revoke({ id: inv.id, reason: why.trim() || null });
    if (answer.data) onAnswer(answer.data.revokeInvitation);
  };
  return (
    <div className="stack">
      {inv.viewerCan.approve && (
        <>
          <button type="button" disabled={approved.fetching} onClick={() => void submitApprove()}>
            {t('approveInvitation', { who: invitee })}
          </button>
          <details>
            <summary>{t('rejectInvitation')}</summary>
            <form className="stack" onSubmit={(e) => void submitReject(e)}>
              <label htmlFor={`reject-${inv.id}`}>{t('rejectReason')}</label>
              <input
                id={`reject-${inv.id}`}
                required
                maxLength={1000}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
              <button type="submit" disabled={rejected.fetching}>
                {t('rejectConfirm', { who: invitee })}
              </button>
            </form>
          </details>
        </>
      )}
      {inv.viewerCan.revoke && (
        <details>
          <summary>{t('revokeInvitation')}</summary>
          <form className="stack" onSubmit={(e) => void submitRevoke(e)}>
            <label htmlFor={`revoke-${inv.id}`}>{t('revokeInvitationReason')}</label>
            <input id={`revoke-${inv.id}`} maxLength={1000} value={why} onChange={(e) => setWhy(e.target.value)} />
            <button type="submit" disabled={revoked.fetching}>
              {t('revokeInvitationConfirm', { who: invitee })}
            </button>
          </form>
        </details>
      )}
      <ErrorNotice error={approved.error ?? rejected.error ?? revoked.error} />
    </div>
  );
}
