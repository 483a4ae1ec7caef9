import { FormEvent, useId, useState } from 'react';
import { LabelBadge } from '../components/common';
import { PagedList } from '../components/paged-list';
import { ReachOfDocument, WhoCanAccessDocument } from '../generated/graphql';
import { useI18n } from '../i18n';
import { OrganizationPicker, PersonPicker, PostPicker, SpacePicker } from './pickers';
import { useTitle } from './security';

/** whoCanAccess (a space or a post) and reachOf (a person or an organisation). */
export function AccessPage() {
  const { t } = useI18n();
  useTitle(t('secAccess'));
  return (
    <>
      <h1>{t('secAccess')}</h1>
      <p>{t('secAccessIntro')}</p>
      <WhoCanAccess />
      <ReachOf />
    </>
  );
}

function WhoCanAccess() {
  const { t, date } = useI18n();
  const ids = useId();
  const [type, setType] = useState<'SPACE' | 'POST'>('SPACE');
  const [spaceId, setSpaceId] = useState('');
  const [readerId, setReaderId] = useState('');
  const [postId, setPostId] = useState('');
  const [asked, setAsked] = useState<{ subjectType: 'SPACE' | 'POST'; subjectId: string } | null>(null);
  const subjectId = type === 'SPACE' ? spaceId : postId;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAsked({ subjectType: type, subjectId });
  };
  return (
    <section aria-labelledby={`${ids}-h`}>
      <h2 id={`${ids}-h`}>{t('secWhoCanAccess')}</h2>
      <form className="stack" onSubmit={submit}>
        <fieldset className="picker">
          <legend>{t('secSubjectType')}</legend>
          <label className="inline">
            <input type="radio" name={`${ids}-type`} checked={type === 'SPACE'} onChange={() => setType('SPACE')} />{' '}
            {t('secOneSpace')}
          </label>
          <label className="inline">
            <input type="radio" name={`${ids}-type`} checked={type === 'POST'} onChange={() => setType('POST')} />{' '}
            {t('secOnePost')}
          </label>
        </fieldset>
        {type === 'SPACE' ? (
          <SpacePicker label={t('secSpace')} value={spaceId} onChange={setSpaceId} />
        ) : (
          <>
            <PersonPicker label={t('secPostReader')} value={readerId} onChange={(id) => setReaderId(id)} />
            <PostPicker readerId={readerId} value={postId} onChange={setPostId} />
          </>
        )}
        <button type="submit" disabled={!subjectId}>
          {t('secShowReaders')}
        </button>
      </form>
      {asked && (
        <PagedList
          key={JSON.stringify(asked)}
          query={WhoCanAccessDocument}
          variables={asked}
          page={(data) => ({
            pageInfo: data.whoCanAccess.pageInfo,
            edges: data.whoCanAccess.edges.map((e) => ({ node: { ...e.node, id: e.node.user.id } })),
          })}
          empty={t('secNobody')}
          item={(grant) => (
            <li key={grant.id} className="card">
              <strong>{grant.user.displayName}</strong> · {grant.user.organizationName}
              <p className="muted">
                {grant.membership
                  ? [
                      t(`role_${grant.membership.role}`),
                      t('secSince', { date: date(grant.membership.since) }),
                      grant.membership.expiresAt
                        ? t('expires', { date: date(grant.membership.expiresAt) })
                        : t('noExpiry'),
                      grant.membership.grantedBy && t('secGrantedBy', { name: grant.membership.grantedBy.displayName }),
                      grant.membership.sponsor && t('secSponsor', { name: grant.membership.sponsor.displayName }),
                    ]
                      .filter(Boolean)
                      .join(' · ')
                  : t('secViaOverseer', { roles: grant.overseerRoles.join(', ') })}
              </p>
              <p className="muted">{t('secEffectiveClearance', { n: grant.effectiveClearance })}</p>
            </li>
          )}
        />
      )}
    </section>
  );
}

function ReachOf() {
  const { t } = useI18n();
  const ids = useId();
  const [kind, setKind] = useState<'user' | 'organization'>('user');
  const [userId, setUserId] = useState('');
  const [organizationId, setOrganizationId] = useState('');
  const [asked, setAsked] = useState<{ userId: string | null; organizationId: string | null } | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAsked(kind === 'user' ? { userId, organizationId: null } : { userId: null, organizationId });
  };
  return (
    <section aria-labelledby={`${ids}-h`}>
      <h2 id={`${ids}-h`}>{t('secReachOf')}</h2>
      <form className="stack" onSubmit={submit}>
        <fieldset className="picker">
          <legend>{t('secReachOfWhom')}</legend>
          <label className="inline">
            <input type="radio" name={`${ids}-kind`} checked={kind === 'user'} onChange={() => setKind('user')} />{' '}
            {t('secOnePerson')}
          </label>
          <label className="inline">
            <input
              type="radio"
              name={`${ids}-kind`}
              checked={kind === 'organization'}
              onChange={() => setKind('organization')}
            />{' '}
            {t('secOneOrganization')}
          </label>
        </fieldset>
        {kind === 'user' ? (
          <PersonPicker label={t('secPerson')} value={userId} onChange={(id) => setUserId(id)} />
        ) : (
          <OrganizationPicker
            label={t('secOrganization')}
            value={organizationId}
            onChange={(id) => setOrganizationId(id)}
          />
        )}
        <button type="submit" disabled={kind === 'user' ? !userId : !organizationId}>
          {t('secShowReach')}
        </button>
      </form>
      {asked && (
        <PagedList
          key={JSON.stringify(asked)}
          query={ReachOfDocument}
          variables={asked}
          page={(data) => ({
            pageInfo: data.reachOf.pageInfo,
            edges: data.reachOf.edges.map((e) => ({ node: { ...e.node, id: e.node.space.id } })),
          })}
          empty={t('secNoReach')}
          item={(reach) => (
            <li key={reach.id} className="card">
              <div className="row">
                <LabelBadge level={reach.space.classification} />
                <strong>{reach.space.name}</strong>
              </div>
              <p className="muted">{t('secReachLine', { posts: reach.postCount, readers: reach.readers })}</p>
              <p className="per-label">
                {reach.postsPerLabel.map((n, label) => (
                  <span key={label} className="per-label-item">
                    <LabelBadge level={label} /> {n}
                  </span>
                ))}
              </p>
            </li>
          )}
        />
      )}
    </section>
  );
}
