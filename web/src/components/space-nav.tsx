import { SpaceHeaderFragment } from '../generated/graphql';
import { MessageKey, useI18n } from '../i18n';
import { Link } from '../router';
import { LabelBadge } from './common';

export type SpaceTab = 'posts' | 'members' | 'invitations' | 'risks' | 'health';

/**
 * A space's title and its pages: posts and members for whoever sees it; invitations, the risk
 * map and the health figures only where the API says the caller may (Space.viewerCan).
 */
export function SpaceNav({ space, current, title }: { space: SpaceHeaderFragment; current: SpaceTab; title?: string }) {
  const { t } = useI18n();
  const tabs: [SpaceTab, string, MessageKey, boolean][] = [
    ['posts', '', 'posts', true],
    ['members', '/members', 'members', true],
    ['invitations', '/invitations', 'navSpaceInvitations', space.viewerCan.invite],
    ['risks', '/risks', 'navRisks', space.viewerCan.readRisks],
    ['health', '/health', 'navHealth', space.viewerCan.readHealth],
  ];
  return (
    <>
      <div className="row">
        <LabelBadge level={space.classification} />
        <h1>{title ? `${title} — ${space.name}` : space.name}</h1>
      </div>
      <nav className="subnav" aria-label={space.name}>
        {tabs
          .filter(([, , , shown]) => shown)
          .map(([tab, suffix, key]) => (
            <Link key={tab} to={`/spaces/${space.id}${suffix}`} aria-current={tab === current ? 'page' : undefined}>
              {t(key)}
            </Link>
          ))}
      </nav>
    </>
  );
}
