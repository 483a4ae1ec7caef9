import { useEffect } from 'react';
import { LabelBadge } from '../components/common';
import { PagedList } from '../components/paged-list';
import { PendingApprovalsDocument } from '../generated/graphql';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { InvitationCard } from '../space-invitations/invitation-card';

/** Four eyes: the invitations waiting for a second OWNER, space by space. */
export function ApprovalsPage() {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${t('navApprovals')} · Passerelle`;
  }, [t]);
  return (
    <>
      <h1>{t('navApprovals')}</h1>
      <p className="muted">{t('approvalsIntro')}</p>
      <PagedList
        query={PendingApprovalsDocument}
        variables={{}}
        page={(d) => d.spaces}
        keep={(space) => space.invitations.totalCount > 0}
        empty={t('noApprovals')}
        item={(space) => (
          <li key={space.id} className="card">
            <div className="row">
              <LabelBadge level={space.classification} />
              <h2 className="card-title">
                <Link to={`/spaces/${space.id}/invitations`}>{space.name}</Link>
              </h2>
            </div>
            <ul className="cards">
              {space.invitations.edges.map((e) => (
                <InvitationCard key={e.node.id} inv={e.node} />
              ))}
            </ul>
          </li>
        )}
      />
    </>
  );
}
