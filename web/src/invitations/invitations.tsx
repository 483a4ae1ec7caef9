import { useEffect, useState } from 'react';
import { useClient, useMutation } from 'urql';
import { ErrorNotice } from '../components/common';
import { PagedList } from '../components/paged-list';
import {
  AcceptInvitationDocument,
  DeclineInvitationDocument,
  InvitationSpaceDocument,
  MyInvitationsQuery,
  MyInvitationsDocument,
} from '../generated/graphql';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { roleName } from '../spaces/spaces';

export function InvitationsPage() {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${t('navInvitations')} · Passerelle`;
  }, [t]);
  return (
    <>
      <h1>{t('navInvitations')}</h1>
      <InvitationList />
    </>
  );
}

interface Answer {
  text: string;
  spaceId?: string;
}

/** Answered invitations leave the API's list at once; what was answered stays said here. */
export function InvitationList() {
  const { t } = useI18n();
  const [answers, setAnswers] = useState<Map<string, Answer>>(new Map());
  const answered = (id: string, answer: Answer) => setAnswers((all) => new Map(all).set(id, answer));
  return (
    <PagedList
      query={MyInvitationsDocument}
      variables={{}}
      page={(data) => data.myInvitations}
      skip={new Set(answers.keys())}
      empty={t('noInvitations')}
      before={[...answers].map(([id, answer]) => (
        <li key={id} className="card">
          <p role="status" className="notice notice-info">
            {answer.text} {answer.spaceId && <Link to={`/spaces/${answer.spaceId}`}>{t('openSpace')}</Link>}
          </p>
        </li>
      ))}
      item={(node) => <InvitationCard key={node.id} invitation={node} onAnswered={answered} />}
    />
  );
}

type Invitation = MyInvitationsQuery['myInvitations']['edges'][number]['node'];

function InvitationCard({
  invitation,
  onAnswered,
}: {
  invitation: Invitation;
  onAnswered: (id: string, answer: Answer) => void;
}) {
  const { t, date } = useI18n();
  const [accepting, accept] = useMutation(AcceptInvitationDocument);
  const [declining, decline] = useMutation(DeclineInvitationDocument);
  const client = useClient();
  const onAccept = async () => {
    const answer = await accept({ id: invitation.id }, { additionalTypenames: ['Space', 'Membership'] });
    // The answer was computed with the rights of before the grant: ask again for the space.
    const space =
      answer.data?.acceptInvitation.membership?.space ??
      (answer.data
        ? (
            await client
              .query(InvitationSpaceDocument, { id: invitation.id }, { requestPolicy: 'network-only' })
              .toPromise()
          ).data?.invitation?.space
        : null);
    if (answer.data)
      onAnswered(invitation.id, {
        text: t('accepted', { space: space?.name ?? invitation.spaceName }),
        spaceId: space?.id,
      });
  };
  const onDecline = async () => {
    const answer = await decline({ id: invitation.id });
    if (answer.data) onAnswered(invitation.id, { text: t('declined') });
  };
  return (
    <li className="card">
      <p>
        {t('invitationFrom', {
          who: invitation.invitedByName,
          space: invitation.spaceName,
          role: roleName(t, invitation.role),
        })}
      </p>
      {invitation.message && <blockquote>{invitation.message}</blockquote>}
      <p className="muted">
        {t('answerBy', { date: date(invitation.expiresAt) })}{' '}
        {invitation.membershipExpiresAt && t('accessUntil', { date: date(invitation.membershipExpiresAt) })}{' '}
        {invitation.sponsor && t('grantSponsor', { name: invitation.sponsor.displayName })}
      </p>
      <div className="row">
        <button type="button" onClick={() => void onAccept()} disabled={accepting.fetching || declining.fetching}>
          {t('accept')}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => void onDecline()}
          disabled={accepting.fetching || declining.fetching}
        >
          {t('decline')}
        </button>
      </div>
      <ErrorNotice error={accepting.error ?? declining.error} />
    </li>
  );
}
