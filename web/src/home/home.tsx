import { useEffect } from 'react';
import type { Me } from '../app';
import { useI18n } from '../i18n';
import { InvitationList } from '../invitations/invitations';
import { SpaceList } from '../spaces/spaces';

export function HomePage({ me }: { me: Me }) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${t('navHome')} · Passerelle`;
  }, [t]);
  return (
    <>
      <h1>{t('hello', { name: me.displayName })}</h1>
      <p className="muted">{t('homeIntro', { org: me.organization.name })}</p>
      <section aria-labelledby="home-invitations">
        <h2 id="home-invitations">{t('pendingInvitations')}</h2>
        <InvitationList />
      </section>
      <section aria-labelledby="home-spaces">
        <h2 id="home-spaces">{t('yourSpaces')}</h2>
        <SpaceList />
      </section>
    </>
  );
}
