import { FormEvent, useEffect, useState } from 'react';
import { useQuery } from 'urql';
import { ErrorNotice, Loading, MoreButton, Paged } from '../components/common';
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
      <ul className="cards" key={search ?? ''}>
        <Paged>
          {(after, more, isLast) => <ExpertChunk search={search} after={after} more={more} isLast={isLast} />}
        </Paged>
      </ul>
    </>
  );
}

function ExpertChunk({
  search,
  after,
  more,
  isLast,
}: {
  search: string | null;
  after: string | null;
  more: (c: string) => void;
  isLast: boolean;
}) {
  const { t } = useI18n();
  const [{ data, error, fetching }] = useQuery({ query: ExpertsDocument, variables: { search, after } });
  if (fetching && !data)
    return (
      <li>
        <Loading />
      </li>
    );
  if (!data)
    return (
      <li>
        <ErrorNotice error={error} />
      </li>
    );
  const page = data.experts;
  return (
    <>
      {page.edges.length === 0 && after === null && <li className="muted">{t('empty')}</li>}
      {page.edges.map(({ node }) => (
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
      ))}
      {isLast && page.pageInfo.hasNextPage && (
        <li>
          <MoreButton hasNext onMore={() => more(page.pageInfo.endCursor!)} />
        </li>
      )}
    </>
  );
}
