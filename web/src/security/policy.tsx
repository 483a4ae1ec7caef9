import { useId, useState } from 'react';
import { useQuery } from 'urql';
import { ErrorNotice, Loading } from '../components/common';
import { SecurityPolicyDocument } from '../generated/graphql';
import { useI18n } from '../i18n';
import { useTitle } from './security';

/** accessPolicy: every rule of the engine in plain words (the API's French or English), with its version. */
export function PolicyPage() {
  const { t, lang } = useI18n();
  useTitle(t('secPolicy'));
  const filterId = useId();
  const [subject, setSubject] = useState('');
  const [{ data, error, fetching }] = useQuery({ query: SecurityPolicyDocument });
  if (fetching && !data) return <Loading />;
  if (!data) return <ErrorNotice error={error} />;
  const policy = data.accessPolicy;
  const subjects = [...new Set(policy.rules.map((r) => r.subject))].sort();
  const rules = policy.rules.filter((r) => !subject || r.subject === subject);
  return (
    <>
      <h1>{t('secPolicy')}</h1>
      <p>{t('secPolicyIntro')}</p>
      <dl className="facts">
        <dt>{t('secPolicyVersion')}</dt>
        <dd>
          <code className="hash">{policy.version}</code>
        </dd>
        <dt>{t('secRuleCount')}</dt>
        <dd>{policy.rules.length}</dd>
      </dl>
      <div className="stack">
        <label htmlFor={filterId}>{t('secSubjectFilter')}</label>
        <select id={filterId} value={subject} onChange={(e) => setSubject(e.target.value)}>
          <option value="">{t('secAllSubjects')}</option>
          {subjects.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <h2>{t('secRules', { n: rules.length })}</h2>
      <ol className="cards rules">
        {rules.map((rule) => (
          <li key={rule.id} className={`card${rule.inverted ? ' refusal' : ''}`}>
            <p className="row">
              <span className="tag">#{rule.order}</span>
              <strong>
                {rule.action} · {rule.subject}
              </strong>
              {rule.inverted && <span className="tag tag-refuse">{t('secInverted')}</span>}
            </p>
            <p>{rule.description[lang]}</p>
            <p className="muted">
              {t('secAppliesTo')} {rule.who[lang]}
            </p>
            {rule.fields && (
              <p className="muted">
                {t('secFields')} {rule.fields.join(', ')}
              </p>
            )}
          </li>
        ))}
      </ol>
      <details className="composer">
        <summary>{t('secSymbols')}</summary>
        <dl className="facts">
          {policy.symbols.map((s) => (
            <div key={s.symbol} className="contents">
              <dt>
                <code>{s.symbol}</code>
              </dt>
              <dd>{s.description[lang]}</dd>
            </div>
          ))}
        </dl>
      </details>
    </>
  );
}
