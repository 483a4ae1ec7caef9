import { FormEvent, useEffect, useReducer, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorNotice, Loading } from '../components/common';
import { noonOf } from '../components/dates';
import { PagedList } from '../components/paged-list';
import { SpaceNav } from '../components/space-nav';
import {
  InviteChoicesDocument,
  InviteToSpaceDocument,
  MembershipRole,
  SpaceHeaderFragment,
  SpaceInvitationsDocument,
} from '../generated/graphql';
import { useI18n } from '../i18n';
import { roleName } from '../spaces/spaces';
import { InvitationCard } from './invitation-card';

/** A space's invitations (its OWNERs and ANIMATORs, the overseers) and, for who may invite, the form. */
export function SpaceInvitationsPage({ id }: { id: string }) {
  const { t } = useI18n();
  const [{ data, error, fetching }] = useQuery({ query: SpaceInvitationsDocument, variables: { id, after: null } });
  // The client keeps no cache: a new invitation reloads the list (a new key, a new request).
  const [version, reload] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (data?.space) document.title = `${t('navSpaceInvitations')} — ${data.space.name} · Passerelle`;
  }, [data, t]);
  if (fetching && !data) return <Loading />;
  if (!data?.space) return <ErrorNotice error={error} />;
  const space = data.space;
  return (
    <>
      <SpaceNav space={space} current="invitations" title={t('navSpaceInvitations')} />
      {space.viewerCan.invite && <InviteForm space={space} onInvited={reload} />}
      <h2>{t('spaceInvitations')}</h2>
      <PagedList
        key={version}
        query={SpaceInvitationsDocument}
        variables={{ id: space.id }}
        page={(d) => d.space?.invitations}
        item={(node) => <InvitationCard key={node.id} inv={node} />}
        empty={t('noSpaceInvitations')}
      />
    </>
  );
}

const ROLES: MembershipRole[] = ['MEMBER', 'OBSERVER', 'ANIMATOR', 'OWNER'];

/** inviteToSpace: a person by email or a whole organisation, a role, the grant's end and its sponsor. */
function InviteForm({ space, onInvited }: { space: SpaceHeaderFragment; onInvited: () => void }) {
  const { t } = useI18n();
  const [{ data: choices }] = useQuery({ query: InviteChoicesDocument, variables: { id: space.id } });
  const [by, setBy] = useState<'email' | 'organization'>('email');
  const [email, setEmail] = useState('');
  const [organizationId, setOrganizationId] = useState('');
  const [role, setRole] = useState<MembershipRole>('MEMBER');
  const [until, setUntil] = useState('');
  const [sponsorId, setSponsorId] = useState('');
  const [message, setMessage] = useState('');
  const [result, invite] = useMutation(InviteToSpaceDocument);
  const [sent, setSent] = useState<string | null>(null);
  const sponsors =
    choices?.space?.members.edges
      .map((e) => e.node.user)
      .filter((u): u is NonNullable<typeof u> => !!u && u.organization.kind === 'HOST') ?? [];
  const organizations = choices?.organizations.edges.map((e) => e.node).filter((o) => o.kind !== 'HOST') ?? [];
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSent(null);
    const answer = await invite({
      input: {
        spaceId: space.id,
        ...(by === 'email' ? { email: email.trim() } : { organizationId }),
        role,
        expiresAt: until ? noonOf(until) : null,
        sponsorId: sponsorId || null,
        message: message.trim() || null,
      },
    });
    const inv = answer.data?.inviteToSpace;
    if (inv) {
      setSent(
        inv.status === 'PENDING_APPROVAL'
          ? t('invitationAwaitsApproval', { who: inv.email ?? inv.organization?.name ?? '' })
          : t('invitationSent', { who: inv.email ?? inv.organization?.name ?? '' }),
      );
      setEmail('');
      setMessage('');
      onInvited();
    }
  };
  return (
    <section aria-labelledby="invite-title" className="panel">
      <h2 id="invite-title">{t('inviteTitle')}</h2>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <fieldset>
          <legend>{t('inviteWho')}</legend>
          <label className="choice">
            <input type="radio" name="invite-by" checked={by === 'email'} onChange={() => setBy('email')} />
            {t('inviteByEmail')}
          </label>
          <label className="choice">
            <input
              type="radio"
              name="invite-by"
              checked={by === 'organization'}
              onChange={() => setBy('organization')}
            />
            {t('inviteByOrganisation')}
          </label>
        </fieldset>
        {by === 'email' ? (
          <>
            <label htmlFor="invite-email">{t('inviteeEmail')}</label>
            <input
              id="invite-email"
              type="email"
              required
              autoComplete="off"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </>
        ) : (
          <>
            <label htmlFor="invite-org">{t('inviteeOrganisation')}</label>
            <select id="invite-org" required value={organizationId} onChange={(e) => setOrganizationId(e.target.value)}>
              <option value="">—</option>
              {organizations.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </>
        )}
        <label htmlFor="invite-role">{t('role')}</label>
        <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as MembershipRole)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {roleName(t, r)}
            </option>
          ))}
        </select>
        <label htmlFor="invite-until">{t('grantEndOptional')}</label>
        <input id="invite-until" type="date" value={until} onChange={(e) => setUntil(e.target.value)} />
        <p className="muted">{t('grantEndHelp')}</p>
        <label htmlFor="invite-sponsor">{t('sponsor')}</label>
        <select id="invite-sponsor" value={sponsorId} onChange={(e) => setSponsorId(e.target.value)}>
          <option value="">{t('sponsorMe')}</option>
          {sponsors.map((u) => (
            <option key={u.id} value={u.id}>
              {u.displayName}
            </option>
          ))}
        </select>
        <label htmlFor="invite-message">{t('inviteMessage')}</label>
        <textarea
          id="invite-message"
          rows={2}
          maxLength={2000}
          value={message}
          onChange={(e) => setMessage(e.target.value)}
        />
        <button type="submit" disabled={result.fetching}>
          {t('invite')}
        </button>
        {sent && (
          <p role="status" className="notice notice-info">
            {sent}
          </p>
        )}
        <ErrorNotice error={result.error} />
      </form>
      <p className="muted">{t('inviteRules')}</p>
    </section>
  );
}
