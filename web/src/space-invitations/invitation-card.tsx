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
export function InvitationCard({ inv, showSpace = false }: { inv: InvitationAdminFragment; showSpace?: boolean }) {
  const { t, date } = useI18n();
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
      <InvitationDecisions inv={inv} invitee={invitee} />
    </li>
  );
}

function InvitationDecisions({ inv, invitee }: { inv: InvitationAdminFragment; invitee: string }) {
  const { t } = useI18n();
  const [approved, approve] = useMutation(ApproveInvitationDocument);
  const [rejected, reject] = useMutation(RejectInvitationDocument);
  const [revoked, revoke] = useMutation(RevokeInvitationDocument);
  const [reason, setReason] = useState('');
  const [why, setWhy] = useState('');
  if (!inv.viewerCan.approve && !inv.viewerCan.revoke) return null;
  const context = { additionalTypenames: ['Invitation'] };
  const submitReject = async (event: FormEvent) => {
    event.preventDefault();
    await reject({ id: inv.id, reason: reason.trim() }, context);
  };
  const submitRevoke = async (event: FormEvent) => {
    event.preventDefault();
    await revoke({ id: inv.id, reason: why.trim() || null }, context);
  };
  return (
    <div className="stack">
      {inv.viewerCan.approve && (
        <>
          <button type="button" disabled={approved.fetching} onClick={() => void approve({ id: inv.id }, context)}>
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
