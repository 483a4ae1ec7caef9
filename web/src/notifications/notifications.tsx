import { useEffect, useState } from 'react';
import { useMutation, useSubscription } from 'urql';
import { ErrorNotice } from '../components/common';
import { PagedList } from '../components/paged-list';
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
      <PagedList
        live
        query={NotificationsDocument}
        variables={{}}
        page={(data) => data.notifications}
        skip={new Set(live.map((n) => n.id))}
        before={live.map((n) => (
          <NotificationCard key={n.id} n={n} />
        ))}
        item={(node) => <NotificationCard key={node.id} n={node} />}
      />
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
