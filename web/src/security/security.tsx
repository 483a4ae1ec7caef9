import { useEffect } from 'react';
import { useI18n, MessageKey } from '../i18n';
import { Link, match } from '../router';
import type { Me } from '../app';
import { AccessPage } from './access';
import { AuditPage } from './audit';
import { ExplainPage } from './explain';
import { KillSwitchPage } from './kill-switch';
import { PolicyPage } from './policy';
import { CampaignPage, ReviewsPage } from './reviews';
import { ViewAsPage } from './view-as';
import './security.css';

type Role = 'HOST_ADMIN' | 'SECURITY_REVIEWER' | 'PARTNER_ADMIN';

/**
 * The security pages and who the API answers on each (schema/schema.graphql): the overseers
 * (HOST_ADMIN, SECURITY_REVIEWER) read the policy, explanations, reach and the whole log;
 * a PARTNER_ADMIN gets their own organisation's access review and the events about their
 * people; the kill switch answers a HOST_ADMIN (a sponsor too, for their organisations).
 */
export const SECURITY_PAGES: { path: string; title: MessageKey; intro: MessageKey; roles: Role[] }[] = [
  { path: '/security/policy', title: 'secPolicy', intro: 'secPolicyIntro', roles: ['HOST_ADMIN', 'SECURITY_REVIEWER'] },
  {
    path: '/security/explain',
    title: 'secExplain',
    intro: 'secExplainIntro',
    roles: ['HOST_ADMIN', 'SECURITY_REVIEWER'],
  },
  { path: '/security/access', title: 'secAccess', intro: 'secAccessIntro', roles: ['HOST_ADMIN', 'SECURITY_REVIEWER'] },
  {
    path: '/security/view-as',
    title: 'secViewAs',
    intro: 'secViewAsIntro',
    roles: ['HOST_ADMIN', 'SECURITY_REVIEWER'],
  },
  {
    path: '/security/reviews',
    title: 'secReviews',
    intro: 'secReviewsIntro',
    roles: ['HOST_ADMIN', 'SECURITY_REVIEWER', 'PARTNER_ADMIN'],
  },
  {
    path: '/security/audit',
    title: 'secAudit',
    intro: 'secAuditIntro',
    roles: ['HOST_ADMIN', 'SECURITY_REVIEWER', 'PARTNER_ADMIN'],
  },
  { path: '/security/kill-switch', title: 'secKillSwitch', intro: 'secKillSwitchIntro', roles: ['HOST_ADMIN'] },
];

export function securityPagesFor(me: Me): typeof SECURITY_PAGES {
  const roles = new Set<string>(me.roles ?? []);
  return SECURITY_PAGES.filter((page) => page.roles.some((role) => roles.has(role)));
}

/** `/security` and below: the pages this person may open, with a menu of them. */
export function SecurityRoutes({ path, me }: { path: string; me: Me }) {
  const { t } = useI18n();
  const pages = securityPagesFor(me);
  let params: Record<string, string> | null;
  const allowed = (p: string) => pages.some((page) => page.path === p);
  let body: React.ReactNode = null;
  if (path === '/security') body = <SecurityIndex pages={pages} />;
  else if (path === '/security/policy' && allowed(path)) body = <PolicyPage />;
  else if (path === '/security/explain' && allowed(path)) body = <ExplainPage />;
  else if (path === '/security/access' && allowed(path)) body = <AccessPage />;
  else if (path === '/security/view-as' && allowed(path)) body = <ViewAsPage />;
  else if (path === '/security/reviews' && allowed(path)) body = <ReviewsPage me={me} />;
  else if ((params = match('/security/campaigns/:id', path)) && allowed('/security/reviews'))
    body = <CampaignPage key={params.id} id={params.id} me={me} />;
  else if (path === '/security/audit' && allowed(path)) body = <AuditPage me={me} />;
  else if (path === '/security/kill-switch' && allowed(path)) body = <KillSwitchPage />;
  if (!body || pages.length === 0)
    return (
      <>
        <h1>{t('pageNotFound')}</h1>
        <p>
          <Link to="/home">{t('navHome')}</Link>
        </p>
      </>
    );
  return (
    <div className="security">
      {path !== '/security' && (
        <nav className="subnav security-nav" aria-label={t('secNav')}>
          <Link to="/security">{t('navSecurity')}</Link>
          {pages.map((page) => (
            <Link
              key={page.path}
              to={page.path}
              aria-current={
                path === page.path || (page.path === '/security/reviews' && path.startsWith('/security/campaigns/'))
                  ? 'page'
                  : undefined
              }
            >
              {t(page.title)}
            </Link>
          ))}
        </nav>
      )}
      {body}
    </div>
  );
}

function SecurityIndex({ pages }: { pages: typeof SECURITY_PAGES }) {
  const { t } = useI18n();
  useTitle(t('navSecurity'));
  return (
    <>
      <h1>{t('navSecurity')}</h1>
      <p>{t('secIntro')}</p>
      <ul className="cards">
        {pages.map((page) => (
          <li key={page.path} className="card">
            <h2 className="card-title">
              <Link to={page.path}>{t(page.title)}</Link>
            </h2>
            <p className="muted">{t(page.intro)}</p>
          </li>
        ))}
      </ul>
    </>
  );
}

export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Passerelle`;
  }, [title]);
}
