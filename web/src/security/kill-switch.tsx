import { FormEvent, ReactNode, useId, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorNotice, LabelBadge } from '../components/common';
import {
  AffectedOnesFragment,
  PickOrganizationsDocument,
  PreviewOrganizationSuspensionDocument,
  ReactivateOrganizationDocument,
  SuspendOrganizationDocument,
} from '../generated/graphql';
import { useI18n } from '../i18n';
import { OrganizationPicker } from './pickers';
import { useTitle } from './security';

/**
 * The organisation kill switch: the dry run (previewOrganizationSuspension) first, then
 * suspendOrganization only after an explicit confirmation; reactivateOrganization for a
 * suspended one.
 */
export function KillSwitchPage() {
  const { t } = useI18n();
  useTitle(t('secKillSwitch'));
  const [organizationId, setOrganizationId] = useState('');
  // What the last switch did: kept when the organisation's new status swaps the section below.
  const [notice, setNotice] = useState<ReactNode>(null);
  const [{ data }, refetch] = useQuery({ query: PickOrganizationsDocument });
  // The switch's own answer says the new status at once; the list is asked again behind it.
  const [switched, setSwitched] = useState<Record<string, 'ACTIVE' | 'SUSPENDED'>>({});
  const organization = data?.organizations.edges.map((e) => e.node).find((o) => o.id === organizationId);
  const status = organization ? (switched[organization.id] ?? organization.status) : null;
  const done = (id: string, now: 'ACTIVE' | 'SUSPENDED') => (notice: ReactNode) => {
    setNotice(notice);
    setSwitched((all) => ({ ...all, [id]: now }));
    refetch({ requestPolicy: 'network-only' });
  };
  return (
    <>
      <h1>{t('secKillSwitch')}</h1>
      <p>{t('secKillSwitchIntro')}</p>
      <OrganizationPicker
        label={t('secOrganization')}
        value={organizationId}
        externalOnly
        onChange={(id) => {
          setOrganizationId(id);
          setNotice(null);
          setSwitched({});
        }}
      />
      <div role="status" aria-live="polite">
        {notice}
      </div>
      {organization &&
        (status === 'SUSPENDED' ? (
          <Reactivate
            key={organization.id}
            id={organization.id}
            name={organization.name}
            onDone={done(organization.id, 'ACTIVE')}
          />
        ) : (
          <Suspend
            key={organization.id}
            id={organization.id}
            name={organization.name}
            onDone={done(organization.id, 'SUSPENDED')}
          />
        ))}
    </>
  );
}

function Suspend({ id, name, onDone }: { id: string; name: string; onDone: (notice: ReactNode) => void }) {
  const { t } = useI18n();
  const ids = useId();
  const [preview, runPreview] = useMutation(PreviewOrganizationSuspensionDocument);
  const [shown, setShown] = useState(false);
  const [reason, setReason] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [suspended, suspend] = useMutation(SuspendOrganizationDocument);
  const dryRun = async () => {
    const answer = await runPreview({ organizationId: id });
    setShown(Boolean(answer.data));
  };
  const cancel = () => {
    setShown(false);
    setConfirmed(false);
    setReason('');
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!confirmed || !reason.trim()) return;
    const answer = await suspend({ organizationId: id, reason: reason.trim() });
    const r = answer.data?.suspendOrganization;
    if (!r) return;
    onDone(
      <div className="notice notice-warning">
        <p>
          <strong>{t('secSuspendedNow', { org: r.organization?.name ?? name })}</strong>
        </p>
        <p>
          {t('secSuspendedCounts', {
            sessions: r.sessionsRevoked,
            tokens: r.tokensRevoked,
            grants: r.membershipsSuspended,
            invitations: r.invitationsRevoked,
          })}
        </p>
      </div>,
    );
  };
  return (
    <section aria-labelledby={`${ids}-h`}>
      <h2 id={`${ids}-h`}>{t('secSuspendTitle', { org: name })}</h2>
      {!shown && (
        <>
          <p>{t('secDryRunFirst')}</p>
          <button type="button" onClick={() => void dryRun()} disabled={preview.fetching}>
            {t('secDryRun')}
          </button>
          <ErrorNotice error={preview.error} />
        </>
      )}
      {shown && preview.data && (
        <>
          <Preview p={preview.data.previewOrganizationSuspension} />
          <form className="stack confirm" onSubmit={(e) => void submit(e)}>
            <label htmlFor={`${ids}-reason`}>{t('secReason')}</label>
            <textarea
              id={`${ids}-reason`}
              required
              rows={3}
              maxLength={1000}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
            <label className="inline">
              <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />{' '}
              {t('secConfirmSuspend', { org: name })}
            </label>
            <div className="row">
              <button type="submit" className="danger" disabled={!confirmed || !reason.trim() || suspended.fetching}>
                {t('secSuspend', { org: name })}
              </button>
              <button type="button" className="secondary" onClick={cancel}>
                {t('secCancel')}
              </button>
            </div>
            <ErrorNotice error={suspended.error} />
          </form>
        </>
      )}
    </section>
  );
}

function Preview({ p }: { p: AffectedOnesFragment }) {
  const { t, date } = useI18n();
  return (
    <div className="result" role="region" aria-label={t('secDryRunResult')}>
      <p className="notice notice-info">{t('secDryRunNothingWritten')}</p>
      <dl className="facts">
        <dt>{t('secSessions')}</dt>
        <dd>{p.sessions.length}</dd>
        <dt>{t('secTokens')}</dt>
        <dd>{p.tokens.length}</dd>
        <dt>{t('secGrants')}</dt>
        <dd>{p.memberships.length}</dd>
        <dt>{t('secInvitations')}</dt>
        <dd>{p.invitations.length}</dd>
        <dt>{t('secNotified')}</dt>
        <dd>{p.notified.length}</dd>
      </dl>
      {p.memberships.length > 0 && (
        <>
          <h3>{t('secGrantsEnded')}</h3>
          <ul className="cards">
            {p.memberships.map((m) => (
              <li key={m.id} className="card row">
                {m.space && <LabelBadge level={m.space.classification} />}
                <strong>{m.user?.displayName ?? t('secUnseen')}</strong> · {m.space?.name ?? t('secUnseen')} ·{' '}
                {t(`role_${m.role}`)} · {m.expiresAt ? t('expires', { date: date(m.expiresAt) }) : t('noExpiry')}
              </li>
            ))}
          </ul>
        </>
      )}
      {p.sessions.length > 0 && (
        <>
          <h3>{t('secSessionsEnded')}</h3>
          <ul>
            {p.sessions.map((s) => (
              <li key={s.id}>
                {s.user?.displayName ?? t('secUnseen')} · {t('secLastSeen', { date: date(s.lastSeenAt) })}
                {s.connectionName && <> · {s.connectionName}</>}
              </li>
            ))}
          </ul>
        </>
      )}
      {p.tokens.length > 0 && (
        <>
          <h3>{t('secTokensEnded')}</h3>
          <ul>
            {p.tokens.map((tk) => (
              <li key={tk.id}>
                {tk.user?.displayName ?? t('secUnseen')} · {tk.name ?? '—'}
              </li>
            ))}
          </ul>
        </>
      )}
      {p.invitations.length > 0 && (
        <>
          <h3>{t('secInvitationsEnded')}</h3>
          <ul>
            {p.invitations.map((i) => (
              <li key={i.id}>
                {i.wholeOrganization ? t('secWholeOrganization') : (i.email ?? '—')} · {i.space?.name ?? t('secUnseen')}
              </li>
            ))}
          </ul>
        </>
      )}
      {p.notified.length > 0 && (
        <>
          <h3>{t('secWhoIsTold')}</h3>
          <ul>
            {p.notified.map((n, index) => (
              <li key={`${n.user?.id ?? ''}-${index}`}>
                {n.user?.displayName ?? t('secUnseen')} · {t(`secAs_${n.as}`)}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function Reactivate({ id, name, onDone }: { id: string; name: string; onDone: (notice: ReactNode) => void }) {
  const { t } = useI18n();
  const [result, reactivate] = useMutation(ReactivateOrganizationDocument);
  const run = async () => {
    const r = (await reactivate({ id })).data?.reactivateOrganization;
    if (r)
      onDone(
        <p className="notice notice-info">
          {t('secReactivated', { org: name, restored: r.membershipsRestored, expired: r.membershipsExpired })}
        </p>,
      );
  };
  return (
    <section>
      <p className="notice notice-warning">{t('secIsSuspended', { org: name })}</p>
      <button type="button" onClick={() => void run()} disabled={result.fetching}>
        {t('secReactivate', { org: name })}
      </button>
      <ErrorNotice error={result.error} />
    </section>
  );
}
