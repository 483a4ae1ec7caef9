import { FormEvent, useState } from 'react';
import { useQuery } from 'urql';
import { ErrorNotice, LabelBadge, Loading } from '../components/common';
import { PagedList } from '../components/paged-list';
import {
  ViewAsPeopleDocument,
  ViewAsPostsDocument,
  ViewAsSpacesDocument,
  ViewAsSummaryDocument,
} from '../generated/graphql';
import { useI18n } from '../i18n';
import { PersonPicker } from './pickers';
import { useTitle } from './security';

/** viewAs: what a person would see (spaces, people, posts by title and label: titles within the reviewer's clearance, never bodies). */
export function ViewAsPage() {
  const { t } = useI18n();
  useTitle(t('secViewAs'));
  const [userId, setUserId] = useState('');
  const [asked, setAsked] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAsked(userId);
  };
  return (
    <>
      <h1>{t('secViewAs')}</h1>
      <p>{t('secViewAsIntro')}</p>
      <form className="stack" onSubmit={submit}>
        <PersonPicker label={t('secWhichPerson')} value={userId} onChange={(id) => setUserId(id)} />
        <button type="submit" disabled={!userId}>
          {t('secViewAsButton')}
        </button>
      </form>
      {asked && <ViewAs key={asked} userId={asked} />}
    </>
  );
}

function ViewAs({ userId }: { userId: string }) {
  const { t, date } = useI18n();
  const [{ data, error, fetching }] = useQuery({ query: ViewAsSummaryDocument, variables: { userId } });
  if (fetching && !data) return <Loading />;
  if (!data) return <ErrorNotice error={error} />;
  const view = data.viewAs;
  return (
    <section aria-labelledby="view-as-h" className="result">
      <h2 id="view-as-h">{t('secViewingAs', { name: view.user.displayName, org: view.user.organizationName })}</h2>
      {!view.counts && (
        <p className="notice notice-warning" role="status">
          {t('secDoesNotCount')}
        </p>
      )}
      {typeof view.effectiveClearance === 'number' && (
        <p>{t('secEffectiveClearance', { n: view.effectiveClearance })}</p>
      )}
      <h3>{t('secTheirSpaces')}</h3>
      <PagedList
        query={ViewAsSpacesDocument}
        variables={{ userId }}
        page={(d) => d.viewAs.spaces}
        item={(s) => (
          <li key={s.id} className="card row">
            <LabelBadge level={s.classification} /> {s.name}
          </li>
        )}
      />
      <h3>{t('secTheirPosts')}</h3>
      <PagedList
        query={ViewAsPostsDocument}
        variables={{ userId }}
        page={(d) => d.viewAs.posts}
        item={(p) => (
          <li key={p.id} className="card">
            <div className="row">
              <LabelBadge level={p.label} />
              <span>{p.title ?? t('secTitleWithheld')}</span>
              {p.hidden && <span className="tag">{t('hiddenPost')}</span>}
            </div>
            <p className="muted">{date(p.createdAt)}</p>
          </li>
        )}
      />
      <h3>{t('secTheirPeople')}</h3>
      <PagedList
        query={ViewAsPeopleDocument}
        variables={{ userId }}
        page={(d) => d.viewAs.people}
        item={(p) => (
          <li key={p.id} className="card">
            <strong>{p.displayName}</strong> · {p.organizationName}
            {p.email && <span className="muted"> · {p.email}</span>}
          </li>
        )}
      />
    </section>
  );
}
