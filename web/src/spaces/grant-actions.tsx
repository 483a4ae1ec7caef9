import { FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { ErrorNotice } from '../components/common';
import { addDays, dayOf, noonOf } from '../components/dates';
import {
  ExtendMembershipDocument,
  GrantViewFragment,
  RenewMembershipDocument,
  RevokeMembershipDocument,
} from '../generated/graphql';
import { useI18n } from '../i18n';

/**
 * Renew, extend and revoke one grant: each control only where Membership.viewerCan says the
 * caller may; the API decides again, and its refusal is shown as it comes.
 */
export function GrantActions({
  grant,
  name,
  onAnswer,
}: {
  grant: GrantViewFragment;
  name: string;
  onAnswer: (grant: GrantViewFragment) => void;
}) {
  const { t } = useI18n();
  const [until, setUntil] = useState(() => proposedEnd(grant.expiresAt));
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const [renewed, renew] = useMutation(RenewMembershipDocument);
  const [extended, extend] = useMutation(ExtendMembershipDocument);
  const [revoked, revoke] = useMutation(RevokeMembershipDocument);
  const can = grant.viewerCan;
  if (!can.renew && !can.update && !can.revoke) return done ? <p role="status">{done}</p> : null;
  const prolong = async (which: 'renew' | 'extend') => {
    const answer =
      which === 'renew'
        ? await renew({ id: grant.id, until: noonOf(until) })
        : await extend({ id: grant.id, until: noonOf(until) });
    const changed =
      answer.data && ('renewMembership' in answer.data ? answer.data.renewMembership : answer.data.extendMembership);
    if (changed) {
      onAnswer(changed);
      setDone(t(which === 'renew' ? 'grantRenewed' : 'grantExtended', { name }));
    }
  };
  const submitRevoke = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await revoke({ id: grant.id, reason: reason.trim() });
    if (answer.data) {
      onAnswer(answer.data.revokeMembership);
      setDone(t('grantRevoked', { name }));
    }
  };
  const field = `grant-until-${grant.id}`;
  const why = `grant-reason-${grant.id}`;
  return (
    <div className="grant-actions">
      {(can.renew || can.update) && (
        <form className="row" onSubmit={(e) => e.preventDefault()} aria-label={t('grantEndFor', { name })}>
          <label htmlFor={field}>{t('newEnd')}</label>
          <input id={field} type="date" required value={until} onChange={(e) => setUntil(e.target.value)} />
          {can.renew && (
            <button type="button" disabled={renewed.fetching || !until} onClick={() => void prolong('renew')}>
              {t('renew')}
            </button>
          )}
          {can.update && (
            <button
              type="button"
              className="secondary"
              disabled={extended.fetching || !until}
              onClick={() => void prolong('extend')}
            >
              {t('extend')}
            </button>
          )}
        </form>
      )}
      {can.revoke && (
        <details>
          <summary>{t('revokeGrant')}</summary>
          <form className="stack" onSubmit={(e) => void submitRevoke(e)}>
            <label htmlFor={why}>{t('revokeReason')}</label>
            <input id={why} required maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
            <button type="submit" disabled={revoked.fetching}>
              {t('revokeConfirm', { name })}
            </button>
          </form>
        </details>
      )}
      {done && <p role="status">{done}</p>}
      <ErrorNotice error={renewed.error ?? extended.error ?? revoked.error} />
    </div>
  );
}

/** The end a renewal proposes: 90 days past the current end (or from today), within a year from today. */
function proposedEnd(expiresAt: string | null | undefined): string {
  const today = new Date();
  const from = expiresAt && new Date(expiresAt) > today ? new Date(expiresAt) : today;
  const latest = addDays(today, 364);
  const wanted = addDays(from, 90);
  return dayOf(wanted < latest ? wanted : latest);
}
