import { FormEvent, useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorNotice, LabelBadge, labelName, Loading } from '../components/common';
import { MentionPicker } from '../components/mention';
import { PagedList } from '../components/paged-list';
import { PostItem } from '../components/post-item';
import { SpaceNav } from '../components/space-nav';
import {
  CreatePostDocument,
  MembershipRole,
  MySpacesDocument,
  SpaceMembersQuery,
  SpaceCreationLimitDocument,
  SpaceDocument,
  SpaceMembersDocument,
} from '../generated/graphql';
import { useI18n } from '../i18n';
import { Link, navigate } from '../router';
import { GrantActions } from './grant-actions';

export function SpacesPage() {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${t('navSpaces')} · Passerelle`;
  }, [t]);
  // Offered only to whom the API lets open a space (spaceCreationLimit, from the createSpace rule).
  const [{ data }] = useQuery({ query: SpaceCreationLimitDocument });
  return (
    <>
      <h1>{t('navSpaces')}</h1>
      {typeof data?.spaceCreationLimit === 'number' && (
        <p>
          <Link to="/spaces/new" className="button">
            {t('createSpace')}
          </Link>
        </p>
      )}
      <SpaceList />
    </>
  );
}

export function SpaceList() {
  const { t } = useI18n();
  return (
    <PagedList
      query={MySpacesDocument}
      variables={{}}
      page={(data) => data.spaces}
      item={(node) => (
        <li key={node.id} className="card">
          <div className="row">
            <LabelBadge level={node.classification} />
            <h3>
              <Link to={`/spaces/${node.id}`}>{node.name}</Link>
            </h3>
            <span className="tag">{node.partnerVisibility === 'HUB' ? t('hub') : t('open')}</span>
          </div>
          <p className="muted">{node.purpose}</p>
        </li>
      )}
    />
  );
}

export function SpacePage({ id }: { id: string }) {
  const { t } = useI18n();
  const [{ data, error, fetching }] = useQuery({ query: SpaceDocument, variables: { id, after: null } });
  useEffect(() => {
    if (data?.space) document.title = `${data.space.name} · Passerelle`;
  }, [data]);
  if (fetching && !data) return <Loading />;
  if (!data?.space) return <ErrorNotice error={error} />;
  const space = data.space;
  return (
    <>
      <SpaceNav space={space} current="posts" />
      <p>{space.purpose}</p>
      <p className="muted">{space.partnerVisibility === 'HUB' ? t('visibilityHub') : t('visibilityOpen')}</p>
      {space.viewerCan.post && <Composer spaceId={space.id} classification={space.classification} />}
      <h2>{t('posts')}</h2>
      <PagedList
        query={SpaceDocument}
        variables={{ id: space.id }}
        page={(data) => data.space?.posts}
        item={(node) => <PostItem key={node.id} post={node} showSpace={false} />}
      />
    </>
  );
}

/** createPost: title, Markdown body and a label from the space's classification up (the API checks the rest). */
function Composer({ spaceId, classification }: { spaceId: string; classification: number }) {
  const { t } = useI18n();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [mentioned, setMentioned] = useState<string[]>([]);
  const [label, setLabel] = useState(classification);
  const [result, createPost] = useMutation(CreatePostDocument);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await createPost(
      { input: { spaceId, title: title.trim(), body, label } },
      { additionalTypenames: ['Post'] },
    );
    if (answer.data) navigate(`/posts/${answer.data.createPost.id}`);
  };
  const levels = [0, 1, 2, 3, 4].filter((n) => n >= classification);
  return (
    <details className="composer">
      <summary>{t('newPost')}</summary>
      <form onSubmit={(e) => void submit(e)} className="stack">
        <label htmlFor="post-title">{t('title')}</label>
        <input id="post-title" required maxLength={300} value={title} onChange={(e) => setTitle(e.target.value)} />
        <label htmlFor="post-body">{t('body')}</label>
        <textarea id="post-body" required rows={6} value={body} onChange={(e) => setBody(e.target.value)} />
        <MentionPicker
          idPrefix="post"
          onPick={(id, name) => {
            setBody((b) => `${b}${b === '' || b.endsWith(' ') || b.endsWith('\n') ? '' : ' '}@${id} `);
            setMentioned((all) => (all.includes(name) ? all : [...all, name]));
          }}
        />
        {mentioned.length > 0 && <p className="muted">{t('mentioned', { names: mentioned.join(', ') })}</p>}
        <label htmlFor="post-label">{t('postLabel')}</label>
        <select id="post-label" value={label} onChange={(e) => setLabel(Number(e.target.value))}>
          {levels.map((n) => (
            <option key={n} value={n}>
              {n} · {labelName(t, n)}
            </option>
          ))}
        </select>
        <button type="submit" disabled={result.fetching}>
          {t('publish')}
        </button>
        <ErrorNotice error={result.error} />
      </form>
    </details>
  );
}

export function roleName(t: ReturnType<typeof useI18n>['t'], role: MembershipRole): string {
  return t(`role_${role}`);
}

export function MembersPage({ id }: { id: string }) {
  const { t } = useI18n();
  const [{ data, error, fetching }] = useQuery({ query: SpaceMembersDocument, variables: { id, after: null } });
  useEffect(() => {
    if (data?.space) document.title = `${t('members')} — ${data.space.name} · Passerelle`;
  }, [data, t]);
  if (fetching && !data) return <Loading />;
  if (!data?.space) return <ErrorNotice error={error} />;
  const space = data.space;
  return (
    <>
      <SpaceNav space={space} current="members" title={t('members')} />
      <PagedList
        query={SpaceMembersDocument}
        variables={{ id: space.id }}
        page={(data) => data.space?.members}
        item={(node) => <MemberCard key={node.id} member={node} />}
      />
    </>
  );
}

type Member = NonNullable<SpaceMembersQuery['space']>['members']['edges'][number]['node'];

/** One member and their grant; a renewal, extension or revocation shows its answer at once (the client keeps no cache). */
function MemberCard({ member }: { member: Member }) {
  const { t, date } = useI18n();
  const [grant, setGrant] = useState(member);
  const name = member.user?.displayName ?? '—';
  return (
    <li className="card">
      <strong>{name}</strong>
      {member.user?.jobTitle && <> · {member.user.jobTitle}</>}
      <p className="muted">
        {member.user?.organization.name} · {roleName(t, grant.role)} ·{' '}
        {grant.status !== 'ACTIVE'
          ? t(`membershipStatus_${grant.status}`)
          : grant.expiresAt
            ? t('expires', { date: date(grant.expiresAt) })
            : t('noExpiry')}
        {grant.sponsor && <> · {t('sponsoredBy', { name: grant.sponsor.displayName })}</>}
      </p>
      <GrantActions grant={grant} name={name} onAnswer={(g) => setGrant({ ...grant, ...g })} />
    </li>
  );
}
