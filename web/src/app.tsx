import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { Provider, useQuery, useSubscription } from 'urql';
import { createClient } from './client';
import { Loading } from './components/common';
import { MeDocument, MeQuery, NotificationAddedDocument } from './generated/graphql';
import { useI18n } from './i18n';
import { ApprovalsPage } from './approvals/approvals';
import { ExpertsPage } from './experts/experts';
import { FeedPage } from './feed/feed';
import { HomePage } from './home/home';
import { InvitationsPage } from './invitations/invitations';
import { NotificationsPage } from './notifications/notifications';
import { PostPage } from './posts/post';
import { ProfilePage } from './profile/profile';
import { RisksPage } from './risks/risks';
import { SpaceInvitationsPage } from './space-invitations/space-invitations';
import { SpaceNewPage } from './space-new/space-new';
import { MembersPage, SpacePage, SpacesPage } from './spaces/spaces';
import { StartPage } from './start/start';
import { securityPagesFor, SecurityRoutes } from './security/security';
import { Link, match, navigate, useLocation } from './router';
import { Notice, rememberSignedIn, returnPath, sessionExpired, signOut, takeNotice } from './session';

export type Me = MeQuery['me'];

// The health charts bring recharts: a file of their own, loaded (from 'self', as the CSP wants) when first shown.
const HealthPage = lazy(() => import('./health/health').then((m) => ({ default: m.HealthPage })));

export function App() {
  // Any UNAUTHENTICATED answer (expired or ended session) sends the person to the start page, once.
  const [signedOut, setSignedOut] = useState(false);
  const client = useMemo(
    () =>
      createClient(() => {
        sessionExpired();
        setSignedOut(true);
      }),
    [],
  );
  return <Provider value={client}>{signedOut ? <SignedOut /> : <Session />}</Provider>;
}

function SignedOut() {
  const { path, search } = useLocation();
  const [notice] = useState(takeNotice);
  return (
    <Frame>
      <StartPage
        returnTo={returnPath(path, search.toString() ? `?${search}` : '')}
        notice={notice}
        askedForPage={path !== '/'}
      />
    </Frame>
  );
}

function Session() {
  const [{ data, error, fetching }] = useQuery({ query: MeDocument, requestPolicy: 'network-only' });
  useEffect(() => {
    if (data) rememberSignedIn();
  }, [data]);
  if (fetching && !data)
    return (
      <Frame>
        <Loading />
      </Frame>
    );
  if (!data) return error ? <SignedOut /> : null;
  return <SignedIn me={data.me} unread={data.unreadNotificationCount} />;
}

/** The page without navigation: the start page and loading. */
function Frame({ children }: { children: React.ReactNode }) {
  const { t } = useI18n();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="topbar">
        <span className="brand">{t('appName')}</span>
        <LanguageSwitch />
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

function LanguageSwitch() {
  const { t, lang, setLang } = useI18n();
  return (
    <button
      type="button"
      className="link-button"
      lang={lang === 'fr' ? 'en' : 'fr'}
      aria-label={t('switchLanguageLabel')}
      onClick={() => setLang(lang === 'fr' ? 'en' : 'fr')}
    >
      {t('switchLanguage')}
    </button>
  );
}

function SignedIn({ me, unread }: { me: Me; unread: number }) {
  const { t } = useI18n();
  const { path } = useLocation();
  const [liveUnread, setLiveUnread] = useState(unread);
  const [flash, setFlash] = useState<string | null>(null);
  useEffect(() => setLiveUnread(unread), [unread]);
  // Notifications arrive live on every page: the counter moves and a polite status says so.
  useSubscription({ query: NotificationAddedDocument }, (_prev: unknown, event) => {
    setLiveUnread((n) => n + 1);
    setFlash(t('newNotification', { title: event.notificationAdded.title }));
    return event;
  });
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    // Keyboard and screen-reader users land on the new page's content after a navigation.
    if (first.current) first.current = false;
    else mainRef.current?.focus();
  }, [path]);
  if (path === '/') {
    navigate('/home', { replace: true });
    return null;
  }
  const nav: [string, string][] = [
    ['/home', t('navHome')],
    ['/feed', t('navFeed')],
    ['/spaces', t('navSpaces')],
    ['/invitations', t('navInvitations')],
    // Only host users lead spaces: the page that lists what waits for their second signature.
    ...(me.organization.kind === 'HOST' ? [['/approvals', t('navApprovals')] as [string, string]] : []),
    ['/notifications', t('navNotifications')],
    ['/experts', t('navExperts')],
    ['/me', t('navProfile')],
  ];
  if (securityPagesFor(me).length) nav.push(['/security', t('navSecurity')]);
  return (
    <>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="topbar">
        <Link to="/home" className="brand">
          {t('appName')}
        </Link>
        <span className="who">
          {me.displayName} · {me.organization.name}
        </span>
        <LanguageSwitch />
        <button type="button" className="link-button" onClick={() => void signOut()}>
          {t('signOut')}
        </button>
      </header>
      <nav aria-label={t('mainNav')} className="mainnav">
        <ul>
          {nav.map(([to, text]) => (
            <li key={to}>
              <Link to={to} aria-current={path === to || path.startsWith(`${to}/`) ? 'page' : undefined}>
                {text}
                {to === '/notifications' && liveUnread > 0 && (
                  <span className="counter" aria-label={t('unread', { n: liveUnread })}>
                    {liveUnread}
                  </span>
                )}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="sr-only" role="status" aria-live="polite">
        {flash}
      </div>
      <main id="main" tabIndex={-1} ref={mainRef}>
        <Route path={path} me={me} onRead={() => setLiveUnread(0)} />
      </main>
    </>
  );
}

function Route({ path, me, onRead }: { path: string; me: Me; onRead: () => void }) {
  const { t } = useI18n();
  let params: Record<string, string> | null;
  if (path === '/home') return <HomePage me={me} />;
  if (path === '/feed') return <FeedPage />;
  if (path === '/spaces') return <SpacesPage />;
  if (path === '/spaces/new') return <SpaceNewPage />;
  if ((params = match('/spaces/:id/members', path))) return <MembersPage key={params.id} id={params.id} />;
  if ((params = match('/spaces/:id/invitations', path))) return <SpaceInvitationsPage key={params.id} id={params.id} />;
  if ((params = match('/spaces/:id/risks', path))) return <RisksPage key={params.id} id={params.id} />;
  if ((params = match('/spaces/:id/health', path)))
    return (
      <Suspense fallback={<Loading />}>
        <HealthPage key={params.id} id={params.id} />
      </Suspense>
    );
  if ((params = match('/spaces/:id', path))) return <SpacePage key={params.id} id={params.id} />;
  if ((params = match('/posts/:id', path))) return <PostPage key={params.id} id={params.id} me={me} />;
  if (path === '/invitations') return <InvitationsPage />;
  if (path === '/approvals') return <ApprovalsPage />;
  if (path === '/notifications') return <NotificationsPage onRead={onRead} />;
  if (path === '/experts') return <ExpertsPage />;
  if (path === '/me') return <ProfilePage me={me} />;
  if (path === '/security' || path.startsWith('/security/')) return <SecurityRoutes path={path} me={me} />;
  return (
    <>
      <h1>{t('pageNotFound')}</h1>
      <p>
        <Link to="/home">{t('navHome')}</Link>
      </p>
    </>
  );
}

export type { Notice };
