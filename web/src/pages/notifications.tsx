import { useEffect, useState } from 'react';
import { useMutation, useQuery, useSubscription } from 'urql';
import { ErrorNotice, Loading, MoreButton, Paged } from '../components/common';
import {
  MarkNotificationsReadDocument,
  NotificationAddedDocument,
  NotificationsDocument,
  NotificationsQuery,
} from '../generated/graphql';
import { useI18n } from '../i18n';
import { Link } from '../router';

type Item = NotificationsQuery['notifications']['edges'][number]['node'];

export function NotificationsPage({ onRead }: { onRead: () => void }) {
  const { t } = useI18n();
  const [live, setLive] = useState<Item[]>([]);
  const [marked, mark] = useMutation(MarkNotificationsReadDocument);
  useSubscription({ query: NotificationAddedDocument }, (_prev: unknown, event) => {
    const n = event.notificationAdded;
    setLive((all) => (all.some((x) => x.id === n.id) ? all : [n, ...all]));
    return event;
  });
  useEffect(() => {
    document.title = `${t('navNotifications')} · Passerelle`;
  }, [t]);
  const markAll = async () => {
    const answer = await mark({}, { additionalTypenames: ['Notification'] });
    if (answer.data) {
      setLive((all) => all.map((n) => ({ ...n, read: true })));
      onRead();
    }
  };
  return (
    <>
      <h1>{t('navNotifications')}</h1>
      <p className="muted">{t('liveNotifications')}</p>
      <button type="button" className="secondary" onClick={() => void markAll()} disabled={marked.fetching}>
        {t('markAllRead')}
      </button>
      <ErrorNotice error={marked.error} />
      <ul className="cards" aria-live="polite">
        {live.map((n) => (
          <NotificationCard key={n.id} n={n} />
        ))}
        <Paged>
          {(after, more, isLast) => (
            <NotificationChunk after={after} more={more} isLast={isLast} skip={new Set(live.map((n) => n.id))} />
          )}
        </Paged>
      </ul>
    </>
  );
}

function NotificationCard({ n }: { n: Item }) {
  const { date } = useI18n();
  return (
    <li className={n.read ? 'card' : 'card unread'}>
      <strong>{n.title}</strong>
      <p>{n.body}</p>
      <p className="muted">
        {date(n.createdAt)}
        {n.space && (
          <>
            {' '}
            · <Link to={`/spaces/${n.space.id}`}>{n.space.name}</Link>
          </>
        )}
      </p>
    </li>
  );
}

function NotificationChunk({
  after,
  more,
  isLast,
  skip,
}: {
  after: string | null;
  more: (c: string) => void;
  isLast: boolean;
  skip: Set<string>;
}) {
  const { t } = useI18n();
  const [{ data, error, fetching }] = useQuery({ query: NotificationsDocument, variables: { after } });
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
  const page = data.notifications;
  return (
    <>
      {page.edges.length === 0 && after === null && skip.size === 0 && <li className="muted">{t('empty')}</li>}
      {page.edges
        .filter(({ node }) => !skip.has(node.id))
        .map(({ node }) => (
          <NotificationCard key={node.id} n={node} />
        ))}
      {isLast && page.pageInfo.hasNextPage && (
        <li>
          <MoreButton hasNext onMore={() => more(page.pageInfo.endCursor!)} />
        </li>
      )}
    </>
  );
}
