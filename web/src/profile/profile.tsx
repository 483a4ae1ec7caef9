import { useEffect } from 'react';
import { useQuery } from 'urql';
import type { Me } from '../app';
import { ErrorNotice, LabelBadge, labelName, Loading } from '../components/common';
import { MyGrantsDocument } from '../generated/graphql';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { roleName } from '../spaces/spaces';

export function ProfilePage({ me }: { me: Me }) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${t('profile')} · Passerelle`;
  }, [t]);
  return (
    <>
      <h1>{t('profile')}</h1>
      <dl className="facts">
        <dt>{t('organisation')}</dt>
        <dd>{me.organization.name}</dd>
        {me.email && (
          <>
            <dt>{t('email')}</dt>
            <dd>{me.email}</dd>
          </>
        )}
        {me.jobTitle && (
          <>
            <dt>{t('jobTitle')}</dt>
            <dd>{me.jobTitle}</dd>
          </>
        )}
        {me.clearance !== null && me.clearance !== undefined && (
          <>
            <dt>{t('clearance')}</dt>
            <dd>
              <LabelBadge level={me.clearance} /> <span className="sr-only">{labelName(t, me.clearance)}</span>
            </dd>
          </>
        )}
        {me.skills.length > 0 && (
          <>
            <dt>{t('skills')}</dt>
            <dd>{me.skills.join(', ')}</dd>
          </>
        )}
      </dl>
      {me.bio && <p>{me.bio}</p>}
      <h2>{t('yourGrants')}</h2>
      <Grants />
    </>
  );
}

/** Each of the caller's grants in plain words: when it ends, who sponsors it. */
function Grants() {
  const { t, date } = useI18n();
  const [{ data, error, fetching }] = useQuery({ query: MyGrantsDocument, requestPolicy: 'network-only' });
  if (fetching && !data) return <Loading />;
  if (!data) return <ErrorNotice error={error} />;
  const mine = data.spaces.edges.flatMap(({ node: space }) =>
    space.members.edges.filter(({ node }) => node.user?.id === data.me.id).map(({ node }) => ({ space, grant: node })),
  );
  if (mine.length === 0) return <p className="muted">{t('noGrants')}</p>;
  return (
    <ul className="cards">
      {mine.map(({ space, grant }) => (
        <li key={grant.id} className="card">
          <div className="row">
            <LabelBadge level={space.classification} />
            <Link to={`/spaces/${space.id}`}>{space.name}</Link>
          </div>
          <p>
            {grant.expiresAt
              ? t('grantEnds', { space: space.name, date: date(grant.expiresAt) })
              : t('grantNoEnd', { space: space.name })}{' '}
            {grant.sponsor && t('grantSponsor', { name: grant.sponsor.displayName })}{' '}
            {t('grantRole', { role: roleName(t, grant.role) })}
          </p>
        </li>
      ))}
    </ul>
  );
}
