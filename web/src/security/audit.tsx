import { FormEvent, useId, useState } from 'react';
import { useQuery } from 'urql';
import { ErrorNotice, Loading } from '../components/common';
import { PagedList } from '../components/paged-list';
import { AuditDecision, AuditEventFilter, AuditEventsDocument, VerifyAuditChainDocument } from '../generated/graphql';
import { useI18n } from '../i18n';
import type { Me } from '../app';
import { OrganizationPicker, PersonPicker, SpacePicker } from './pickers';
import { useTitle } from './security';

const DECISIONS: AuditDecision[] = ['SUCCESS', 'FAILURE', 'DENIED'];

/** The filter as GET /audit/export's query string (the same names as auditEvents' filter). */
export function exportHref(filter: AuditEventFilter, format: 'jsonl' | 'csv'): string {
  const query = new URLSearchParams({ format });
  for (const [key, value] of Object.entries(filter)) if (value) query.set(key, String(value));
  return `/audit/export?${query}`;
}

/** auditEvents with filters, the export of the same filter, and verifyAuditChain (overseers). */
export function AuditPage({ me }: { me: Me }) {
  const { t } = useI18n();
  useTitle(t('secAudit'));
  const [filter, setFilter] = useState<AuditEventFilter>({});
  const overseer = (me.roles ?? []).some((r) => r === 'HOST_ADMIN' || r === 'SECURITY_REVIEWER');
  return (
    <>
      <h1>{t('secAudit')}</h1>
      <p>{t('secAuditIntro')}</p>
      {overseer && <ChainVerification />}
      <h2>{t('secEvents')}</h2>
      <Filters onApply={setFilter} />
      <p className="row">
        <a className="button secondary" href={exportHref(filter, 'jsonl')} download>
          {t('secExportJsonl')}
        </a>
        <a className="button secondary" href={exportHref(filter, 'csv')} download>
          {t('secExportCsv')}
        </a>
      </p>
      <Events key={JSON.stringify(filter)} filter={filter} />
    </>
  );
}

function ChainVerification() {
  const { t } = useI18n();
  const ids = useId();
  const [asked, setAsked] = useState(0);
  const [{ data, error, fetching }, verify] = useQuery({
    query: VerifyAuditChainDocument,
    pause: asked === 0,
    requestPolicy: 'network-only',
  });
  const run = () => {
    if (asked > 0) verify({ requestPolicy: 'network-only' });
    setAsked((n) => n + 1);
  };
  const result = data?.verifyAuditChain;
  return (
    <section aria-labelledby={`${ids}-h`} className="card">
      <h2 id={`${ids}-h`}>{t('secChain')}</h2>
      <p>{t('secChainIntro')}</p>
      <button type="button" onClick={run} disabled={fetching}>
        {t('secVerify')}
      </button>
      <div role="status" aria-live="polite">
        {fetching && <Loading />}
        {!fetching && result && (
          <div className={`notice ${result.ok ? 'notice-info' : 'notice-error'}`}>
            <p>
              <strong>{result.ok ? t('secChainOk') : t('secChainBroken')}</strong>
            </p>
            <p>{t('secChainCounts', { events: result.events, anchors: result.anchors })}</p>
            {result.headSeq && (
              <p>
                {t('secChainHead', { seq: result.headSeq })} <code className="hash">{result.headHash}</code>
              </p>
            )}
            {result.problem && (
              <p>
                {t('secChainProblem', { kind: result.problem.kind, seq: result.problem.seq })} —{' '}
                {result.problem.message}
              </p>
            )}
          </div>
        )}
      </div>
      <ErrorNotice error={error} />
    </section>
  );
}

function Filters({ onApply }: { onApply: (filter: AuditEventFilter) => void }) {
  const { t } = useI18n();
  const ids = useId();
  const [actor, setActor] = useState('');
  const [organization, setOrganization] = useState('');
  const [space, setSpace] = useState('');
  const [action, setAction] = useState('');
  const [decision, setDecision] = useState<AuditDecision | ''>('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Days in the reviewer's time zone: from the start of "from" to the end of "to".
    const day = (value: string, end: boolean) =>
      value ? new Date(`${value}T00:00:00`).getTime() + (end ? 86_400_000 : 0) : null;
    const fromAt = day(from, false);
    const toAt = day(to, true);
    onApply({
      actor: actor || null,
      organization: organization || null,
      space: space || null,
      action: action.trim() || null,
      decision: decision || null,
      from: fromAt === null ? null : new Date(fromAt).toISOString(),
      to: toAt === null ? null : new Date(toAt).toISOString(),
    });
  };
  return (
    <details className="composer" open>
      <summary>{t('secFilters')}</summary>
      <form className="stack" onSubmit={submit}>
        <PersonPicker label={t('secActor')} value={actor} onChange={(id) => setActor(id)} />
        <OrganizationPicker
          label={t('secAboutOrganization')}
          value={organization}
          onChange={(id) => setOrganization(id)}
        />
        <SpacePicker label={t('secAboutSpace')} value={space} onChange={setSpace} />
        <label htmlFor={`${ids}-action`}>{t('secActionFilter')}</label>
        <input
          id={`${ids}-action`}
          value={action}
          placeholder="auth.login"
          spellCheck={false}
          onChange={(e) => setAction(e.target.value)}
        />
        <label htmlFor={`${ids}-decision`}>{t('secOutcome')}</label>
        <select
          id={`${ids}-decision`}
          value={decision}
          onChange={(e) => setDecision(e.target.value as AuditDecision | '')}
        >
          <option value="">{t('secAllOutcomes')}</option>
          {DECISIONS.map((d) => (
            <option key={d} value={d}>
              {t(`secOutcome_${d}`)}
            </option>
          ))}
        </select>
        <div className="row">
          <span className="stack">
            <label htmlFor={`${ids}-from`}>{t('secFrom')}</label>
            <input id={`${ids}-from`} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          </span>
          <span className="stack">
            <label htmlFor={`${ids}-to`}>{t('secTo')}</label>
            <input id={`${ids}-to`} type="date" value={to} onChange={(e) => setTo(e.target.value)} />
          </span>
        </div>
        <button type="submit">{t('secApplyFilters')}</button>
      </form>
    </details>
  );
}

function Events({ filter }: { filter: AuditEventFilter }) {
  const { t, lang } = useI18n();
  const when = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
  return (
    <PagedList
      query={AuditEventsDocument}
      variables={{ filter }}
      page={(data) => data.auditEvents}
      empty={t('secNoEvents')}
      item={(e) => (
        <li key={e.id} className={`card event event-${e.decision.toLowerCase()}`}>
          <p className="row">
            <span className="tag">#{e.seq}</span>
            <strong>{e.action}</strong>
            <span className="tag">{t(`secOutcome_${e.decision}`)}</span>
            {e.reason && <code>{e.reason}</code>}
          </p>
          <p className="muted">
            {when.format(new Date(e.occurredAt))}
            {e.actorId && <> · {t('secByActor', { id: e.actorId })}</>}
            {e.subjectType && <> · {t('secOnSubject', { type: e.subjectType, id: e.subjectId ?? '—' })}</>}
            {e.spaceId && <> · {t('secInSpace', { id: e.spaceId })}</>}
          </p>
          {e.withheld.length > 0 && <p className="muted">{t('secWithheld', { fields: e.withheld.join(', ') })}</p>}
          {e.details && (
            <details>
              <summary>{t('secDetails')}</summary>
              <pre className="details">{e.details}</pre>
            </details>
          )}
        </li>
      )}
    />
  );
}
