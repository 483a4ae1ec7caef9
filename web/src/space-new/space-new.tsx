import { FormEvent, useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorNotice, LabelBadge, labelName, Loading } from '../components/common';
import { CreateSpaceDocument, PartnerVisibility, SpaceCreationLimitDocument, SpaceStatus } from '../generated/graphql';
import { useI18n } from '../i18n';
import { navigate } from '../router';

/** createSpace: name, purpose, classification (up to what the API lets the caller open), OPEN or HUB, PILOT or ACTIVE. */
export function SpaceNewPage() {
  const { t } = useI18n();
  const [{ data, error, fetching }] = useQuery({ query: SpaceCreationLimitDocument });
  const [name, setName] = useState('');
  const [purpose, setPurpose] = useState('');
  const [classification, setClassification] = useState(0);
  const [visibility, setVisibility] = useState<PartnerVisibility>('OPEN');
  const [status, setStatus] = useState<SpaceStatus>('ACTIVE');
  const [result, createSpace] = useMutation(CreateSpaceDocument);
  useEffect(() => {
    document.title = `${t('createSpace')} · Passerelle`;
  }, [t]);
  if (fetching && !data) return <Loading />;
  if (!data) return <ErrorNotice error={error} />;
  const limit = data.spaceCreationLimit;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await createSpace(
      { input: { name: name.trim(), purpose, classification, partnerVisibility: visibility, status } },
      { additionalTypenames: ['Space'] },
    );
    if (answer.data) navigate(`/spaces/${answer.data.createSpace.id}`);
  };
  return (
    <>
      <h1>{t('createSpace')}</h1>
      {limit === null || limit === undefined ? (
        <p className="notice notice-info">{t('cannotCreateSpace')}</p>
      ) : (
        <form className="stack" onSubmit={(e) => void submit(e)}>
          <label htmlFor="space-name">{t('spaceName')}</label>
          <input id="space-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
          <label htmlFor="space-purpose">{t('spacePurpose')}</label>
          <textarea
            id="space-purpose"
            rows={3}
            maxLength={5000}
            value={purpose}
            onChange={(e) => setPurpose(e.target.value)}
          />
          <fieldset>
            <legend>{t('classification')}</legend>
            <p className="muted">{t('classificationHelp', { max: limit })}</p>
            {[0, 1, 2, 3, 4]
              .filter((n) => n <= limit)
              .map((n) => (
                <label key={n} className="choice">
                  <input
                    type="radio"
                    name="classification"
                    value={n}
                    checked={classification === n}
                    onChange={() => setClassification(n)}
                    aria-label={`${n} · ${labelName(t, n)}`}
                  />
                  <LabelBadge level={n} />
                </label>
              ))}
          </fieldset>
          <fieldset>
            <legend>{t('partnerVisibility')}</legend>
            {(['OPEN', 'HUB'] as const).map((v) => (
              <label key={v} className="choice">
                <input
                  type="radio"
                  name="visibility"
                  value={v}
                  checked={visibility === v}
                  onChange={() => setVisibility(v)}
                />
                {v === 'HUB' ? t('visibilityHub') : t('visibilityOpen')}
              </label>
            ))}
          </fieldset>
          <label htmlFor="space-status">{t('spaceStatus')}</label>
          <select id="space-status" value={status} onChange={(e) => setStatus(e.target.value as SpaceStatus)}>
            <option value="ACTIVE">{t('status_ACTIVE')}</option>
            <option value="PILOT">{t('status_PILOT')}</option>
          </select>
          <button type="submit" disabled={result.fetching}>
            {t('createSpace')}
          </button>
          <ErrorNotice error={result.error} />
        </form>
      )}
    </>
  );
}
