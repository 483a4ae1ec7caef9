import { FormEvent, useId, useState } from 'react';
import { useQuery } from 'urql';
import { ErrorNotice, LabelBadge, Loading } from '../components/common';
import { ExplainAccessDocument, ExplainAccessQuery } from '../generated/graphql';
import { useI18n } from '../i18n';
import { IdInput, OrganizationPicker, PersonPicker, PostPicker, SpacePicker } from './pickers';
import { useTitle } from './security';

/** The subject types and actions explainAccess answers (its description in the schema). */
const ACTIONS: Record<string, string[]> = {
  Post: ['read', 'comment', 'react', 'edit', 'delete', 'moderate'],
  Space: ['read', 'post', 'invite', 'update', 'readHealth'],
  Comment: ['read', 'react', 'edit', 'delete', 'moderate'],
  Membership: ['read'],
  User: ['read'],
  Organization: ['read'],
};

interface Asked {
  userId: string;
  action: string;
  subjectType: string;
  subjectId: string;
}

/** explainAccess: a person, an action, a subject → the decision, its rule, the failed conditions, reasons and facts. */
export function ExplainPage() {
  const { t } = useI18n();
  useTitle(t('secExplain'));
  const ids = useId();
  const [userId, setUserId] = useState('');
  const [subjectType, setSubjectType] = useState('Post');
  const [action, setAction] = useState('read');
  const [subjectId, setSubjectId] = useState('');
  const [asked, setAsked] = useState<Asked | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAsked({ userId, action, subjectType, subjectId });
  };
  return (
    <>
      <h1>{t('secExplain')}</h1>
      <p>{t('secExplainIntro')}</p>
      <form className="stack" onSubmit={submit}>
        <PersonPicker label={t('secWhichPerson')} value={userId} onChange={(id) => setUserId(id)} />
        <label htmlFor={`${ids}-type`}>{t('secSubjectType')}</label>
        <select
          id={`${ids}-type`}
          value={subjectType}
          onChange={(e) => {
            setSubjectType(e.target.value);
            setAction('read');
            setSubjectId('');
          }}
        >
          {Object.keys(ACTIONS).map((type) => (
            <option key={type} value={type}>
              {t(`secType_${type}` as Parameters<typeof t>[0])}
            </option>
          ))}
        </select>
        <label htmlFor={`${ids}-action`}>{t('secAction')}</label>
        <select id={`${ids}-action`} value={action} onChange={(e) => setAction(e.target.value)}>
          {ACTIONS[subjectType].map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        {subjectType === 'Post' && <PostPicker readerId={userId} value={subjectId} onChange={setSubjectId} />}
        {subjectType === 'Space' && <SpacePicker label={t('secSpace')} value={subjectId} onChange={setSubjectId} />}
        {subjectType === 'Organization' && (
          <OrganizationPicker label={t('secOrganization')} value={subjectId} onChange={(id) => setSubjectId(id)} />
        )}
        {subjectType === 'User' && (
          <PersonPicker label={t('secSubjectPerson')} value={subjectId} onChange={(id) => setSubjectId(id)} />
        )}
        {(subjectType === 'Comment' || subjectType === 'Membership') && (
          <IdInput label={t('secSubjectId')} value={subjectId} onChange={setSubjectId} />
        )}
        <button type="submit" disabled={!userId || !subjectId}>
          {t('secExplainButton')}
        </button>
      </form>
      {asked && <Explanation key={JSON.stringify(asked)} asked={asked} />}
    </>
  );
}

function Explanation({ asked }: { asked: Asked }) {
  const { t } = useI18n();
  const [{ data, error, fetching }] = useQuery({ query: ExplainAccessDocument, variables: asked });
  if (fetching && !data) return <Loading />;
  if (!data) return <ErrorNotice error={error} />;
  return <ExplanationView e={data.explainAccess} t={t} />;
}

function yes(t: ReturnType<typeof useI18n>['t'], value: boolean | null | undefined): string {
  return value === null || value === undefined ? '—' : value ? t('secYes') : t('secNo');
}

function ExplanationView({ e, t }: { e: ExplainAccessQuery['explainAccess']; t: ReturnType<typeof useI18n>['t'] }) {
  const { lang, date } = useI18n();
  const failed = e.ruleChecks.filter((c) => !c.matched);
  return (
    <section aria-labelledby="explain-result" className="result">
      <h2 id="explain-result">{t('secDecision')}</h2>
      <p className={`notice ${e.allowed ? 'notice-info' : 'notice-warning'}`} role="status">
        <strong>{e.allowed ? t('secAllowed') : t('secRefused')}</strong> —{' '}
        {t('secDecisionLine', { action: e.action, type: e.subject.type })}
      </p>
      {e.decidingRule ? (
        <>
          <h3>{t('secDecidingRule')}</h3>
          <p>
            {e.decidingRule.description[lang]} <code className="muted">{e.decidingRule.id}</code>
          </p>
        </>
      ) : (
        <p>{t('secNoRule')}</p>
      )}
      {e.reasons.length > 0 && (
        <>
          <h3>{t('secReasons')}</h3>
          <ul>
            {e.reasons.map((r) => (
              <li key={r.code}>
                <code>{r.code}</code> — {r.text[lang]}
              </li>
            ))}
          </ul>
        </>
      )}
      {failed.length > 0 && (
        <details>
          <summary>{t('secFailedConditions', { n: failed.length })}</summary>
          <ul>
            {failed.map((c) => (
              <li key={c.rule.id}>
                {c.rule.description[lang]}
                <ul>
                  {c.failedConditions.map((f, i) => (
                    <li key={i}>{f.text[lang]}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </details>
      )}
      <h3>{t('secFacts')}</h3>
      <div className="fact-columns">
        <dl className="facts">
          <dt>{t('secPerson')}</dt>
          <dd>
            {e.user.isHost ? t('secHostUser') : t('secExternalUser')} · {e.user.status} · {e.user.organizationStatus}
          </dd>
          <dt>{t('secCounts')}</dt>
          <dd>{yes(t, e.user.counts)}</dd>
          <dt>{t('secRoles')}</dt>
          <dd>{e.user.roles.join(', ') || '—'}</dd>
          <dt>{t('clearance')}</dt>
          <dd>
            {t('secClearanceLine', {
              c: e.user.clearance,
              cap: e.user.organizationCap,
              eff: e.user.effectiveClearance,
            })}
          </dd>
        </dl>
        <dl className="facts">
          <dt>{t('secSubject')}</dt>
          <dd>
            {e.subject.found ? (e.subject.name ?? t('secTitleWithheld')) : t('secSubjectMissing')}{' '}
            <code className="muted">{e.subject.id}</code>
          </dd>
          {typeof e.subject.label === 'number' && (
            <>
              <dt>{t('secLabel')}</dt>
              <dd>
                <LabelBadge level={e.subject.label} />
              </dd>
            </>
          )}
          {e.subject.spaceVisibility && (
            <>
              <dt>{t('secSpaceKind')}</dt>
              <dd>
                {e.subject.spaceVisibility === 'HUB' ? t('hub') : t('open')}
                {typeof e.subject.spaceClassification === 'number' && (
                  <> · {t('secClassification', { n: e.subject.spaceClassification })}</>
                )}
              </dd>
            </>
          )}
          {typeof e.subject.hidden === 'boolean' && (
            <>
              <dt>{t('secHidden')}</dt>
              <dd>{yes(t, e.subject.hidden)}</dd>
            </>
          )}
          {typeof e.subject.hubRuleApplies === 'boolean' && (
            <>
              <dt>{t('secHubRule')}</dt>
              <dd>
                {yes(t, e.subject.hubRuleApplies)}
                {e.subject.authorSide && <> · {t(`secSide_${e.subject.authorSide}` as Parameters<typeof t>[0])}</>}
              </dd>
            </>
          )}
        </dl>
        <dl className="facts">
          <dt>{t('secGrant')}</dt>
          <dd>
            {e.grant
              ? `${t(`role_${e.grant.role}`)} · ${e.grant.status} · ${
                  e.grant.expiresAt ? t('expires', { date: date(e.grant.expiresAt) }) : t('noExpiry')
                }`
              : t('secNoGrant')}
          </dd>
          {e.grant && (
            <>
              <dt>{t('secGrantActive')}</dt>
              <dd>{yes(t, e.grant.active)}</dd>
              <dt>{t('secGrantExpired')}</dt>
              <dd>{yes(t, e.grant.expired)}</dd>
              <dt>{t('secClearedForSpace')}</dt>
              <dd>{yes(t, e.grant.clearedForSpace)}</dd>
            </>
          )}
          <dt>{t('secReadable')}</dt>
          <dd>{yes(t, e.readable)}</dd>
        </dl>
      </div>
      <p className="muted">
        {t('secEvaluated', { date: date(e.evaluatedAt) })} · {t('secPolicyVersion')}{' '}
        <code className="hash">{e.policyVersion.slice(0, 12)}</code>
      </p>
    </section>
  );
}
