import { FormEvent, useEffect, useState } from 'react';
import { PagedList } from '../components/paged-list';
import { ExpertsDocument } from '../generated/graphql';
import { useI18n } from '../i18n';

export function ExpertsPage() {
  const { t } = useI18n();
  const [draft, setDraft] = useState('');
  const [search, setSearch] = useState<string | null>(null);
  useEffect(() => {
    document.title = `${t('navExperts')} · Passerelle`;
  }, [t]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSearch(draft.trim() || null);
  };
  return (
    <>
      <h1>{t('navExperts')}</h1>
      <form role="search" onSubmit={submit} className="row">
        <label htmlFor="expert-search" className="sr-only">
          {t('searchExperts')}
        </label>
        <input
          id="expert-search"
          type="search"
          placeholder={t('searchExperts')}
          maxLength={200}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit">{t('search')}</button>
      </form>
      <PagedList
        key={search ?? ''}
        query={ExpertsDocument}
        variables={{ search }}
        page={(data) => data.experts}
        item={(node) => (
          <li key={node.id} className="card">
            <strong>{node.displayName}</strong>
            {node.jobTitle && <> · {node.jobTitle}</>}
            <p className="muted">{node.organization.name}</p>
            {node.skills.length > 0 && (
              <p>
                <span className="sr-only">{t('skills')} : </span>
                {node.skills.map((s) => (
                  <span key={s} className="tag">
                    {s}
                  </span>
                ))}
              </p>
            )}
            {node.bio && <p>{node.bio}</p>}
          </li>
        )}
      />
    </>
  );
}
