import { FormEvent, useId, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorNotice, LabelBadge, Loading } from '../components/common';
import { PagedList } from '../components/paged-list';
import {
  AccessReviewFlag,
  AccessReviewGrantsDocument,
  AccessReviewSummaryDocument,
  CampaignSummaryFragment,
  CertifyGrantDocument,
  RecertificationCampaignDocument,
  RecertificationCampaignsDocument,
  RecertificationItemsDocument,
  RecertificationItemsQuery,
  RecertificationItemStatus,
  RevokeGrantDocument,
  StartRecertificationDocument,
} from '../generated/graphql';
import { useI18n } from '../i18n';
import { Link, navigate } from '../router';
import type { Me } from '../app';
import { OrganizationPicker, SpacePicker } from './pickers';
import { useTitle } from './security';

const FLAGS: AccessReviewFlag[] = ['STALE', 'EXPIRING', 'ORPHANED', 'OVER_CLEARED'];
type Scope = { organizationId: string | null; spaceId: string | null };

const overseer = (me: Me) => (me.roles ?? []).some((r) => r === 'HOST_ADMIN' || r === 'SECURITY_REVIEWER');

/** accessReview (an organisation or a space, by flags) and the recertification campaigns. */
export function ReviewsPage({ me }: { me: Me }) {
  const { t } = useI18n();
  useTitle(t('secReviews'));
  return (
    <>
      <h1>{t('secReviews')}</h1>
      <p>{t('secReviewsIntro')}</p>
      <AccessReview me={me} />
      {overseer(me) && <Campaigns />}
    </>
  );
}

function ScopeChooser({ me, onChoose, button }: { me: Me; onChoose: (scope: Scope) => void; button: string }) {
  const { t } = useI18n();
  const ids = useId();
  // A partner admin reviews their own organisation only (the API answers nothing else).
  const [kind, setKind] = useState<'organization' | 'space'>('organization');
  const [organizationId, setOrganizationId] = useState(overseer(me) ? '' : me.organization.id);
  const [spaceId, setSpaceId] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChoose(kind === 'organization' ? { organizationId, spaceId: null } : { organizationId: null, spaceId });
  };
  return (
    <form className="stack" onSubmit={submit}>
      {overseer(me) ? (
        <>
          <ScopePicker
            name={`${ids}-kind`}
            kind={kind}
            onKind={setKind}
            organizationId={organizationId}
            onOrganization={setOrganizationId}
            spaceId={spaceId}
            onSpace={setSpaceId}
          />
        </>
      ) : (
        <p>{t('secOwnOrganization', { org: me.organization.name })}</p>
      )}
      <button type="submit" disabled={kind === 'organization' ? !organizationId : !spaceId}>
        {button}
      </button>
    </form>
  );
}

function AccessReview({ me }: { me: Me }) {
  const { t } = useI18n();
  const ids = useId();
  const [scope, setScope] = useState<Scope | null>(null);
  const [flags, setFlags] = useState<AccessReviewFlag[]>([]);
  return (
    <section aria-labelledby={`${ids}-h`}>
      <h2 id={`${ids}-h`}>{t('secAccessReview')}</h2>
      <ScopeChooser me={me} onChoose={setScope} button={t('secReviewButton')} />
      {scope && (
        <>
          <ReviewSummary scope={scope} />
          <fieldset className="picker">
            <legend>{t('secOnlyFlags')}</legend>
            {FLAGS.map((flag) => (
              <label key={flag} className="inline">
                <input
                  type="checkbox"
                  checked={flags.includes(flag)}
                  onChange={(e) =>
                    setFlags((all) => (e.target.checked ? [...all, flag] : all.filter((f) => f !== flag)))
                  }
                />{' '}
                {t(`secFlag_${flag}`)}
              </label>
            ))}
          </fieldset>
          <ReviewGrants key={JSON.stringify([scope, flags])} scope={scope} flags={flags} />
        </>
      )}
    </section>
  );
}

function ReviewSummary({ scope }: { scope: Scope }) {
  const { t } = useI18n();
  const [{ data, error, fetching }] = useQuery({ query: AccessReviewSummaryDocument, variables: scope });
  if (fetching && !data) return <Loading />;
  if (!data) return <ErrorNotice error={error} />;
  const { summary, staleDays, expiringDays } = data.accessReview;
  return (
    <dl className="facts summary" aria-label={t('secSummary')}>
      <dt>{t('secGrants')}</dt>
      <dd>{summary.total}</dd>
      <dt>{t('secFlag_STALE')}</dt>
      <dd>{t('secStaleCount', { n: summary.stale, days: staleDays })}</dd>
      <dt>{t('secFlag_EXPIRING')}</dt>
      <dd>{t('secExpiringCount', { n: summary.expiring, days: expiringDays })}</dd>
      <dt>{t('secFlag_ORPHANED')}</dt>
      <dd>{summary.orphaned}</dd>
      <dt>{t('secFlag_OVER_CLEARED')}</dt>
      <dd>{summary.overCleared}</dd>
    </dl>
  );
}

function ReviewGrants({ scope, flags }: { scope: Scope; flags: AccessReviewFlag[] }) {
  const { t, date } = useI18n();
  return (
    <PagedList
      query={AccessReviewGrantsDocument}
      variables={{ ...scope, flags: flags.length ? flags : null }}
      page={(data) => ({
        pageInfo: data.accessReview.grants.pageInfo,
        edges: data.accessReview.grants.edges.map((e) => ({ node: { ...e.node, id: e.node.membershipId } })),
      })}
      empty={t('secNoGrants')}
      item={(g) => (
        <li key={g.id} className="card">
          <div className="row">
            <LabelBadge level={g.space.classification} />
            <strong>{g.member.displayName ?? t('secUnseen')}</strong>
            <span>· {g.space.name ?? t('secUnseen')}</span>
            {g.flags.map((f) => (
              <span key={f} className="tag tag-flag">
                {t(`secFlag_${f}`)}
              </span>
            ))}
          </div>
          <p className="muted">
            {[
              t(`role_${g.role}`),
              g.status,
              g.expiresAt ? t('expires', { date: date(g.expiresAt) }) : t('noExpiry'),
              g.sponsor ? t('secSponsor', { name: g.sponsor.displayName ?? g.sponsor.id }) : t('secNoSponsor'),
              g.grantedBy && t('secGrantedBy', { name: g.grantedBy.displayName ?? g.grantedBy.id }),
            ]
              .filter(Boolean)
              .join(' · ')}
          </p>
          <p className="muted">
            {t('secLastSignIn', { date: g.lastSignInAt ? date(g.lastSignInAt) : t('secNever') })} ·{' '}
            {t('secLastActivity', { date: g.lastActivityAt ? date(g.lastActivityAt) : t('secNever') })} ·{' '}
            {t('secClearanceNeeded', { eff: g.effectiveClearance, need: g.neededClearance })}
          </p>
        </li>
      )}
    />
  );
}

function Campaigns() {
  const { t } = useI18n();
  const ids = useId();
  return (
    <section aria-labelledby={`${ids}-h`}>
      <h2 id={`${ids}-h`}>{t('secCampaigns')}</h2>
      <StartCampaign />
      <PagedList
        query={RecertificationCampaignsDocument}
        variables={{}}
        page={(data) => data.recertificationCampaigns}
        empty={t('secNoCampaigns')}
        item={(c) => (
          <li key={c.id} className="card">
            <CampaignLine campaign={c} link />
          </li>
        )}
      />
    </section>
  );
}

function CampaignLine({ campaign: c, link = false }: { campaign: CampaignSummaryFragment; link?: boolean }) {
  const { t, date } = useI18n();
  const title = t('secCampaignOf', { date: date(c.createdAt) });
  return (
    <>
      <p className="row">
        {link ? <Link to={`/security/campaigns/${c.id}`}>{title}</Link> : <strong>{title}</strong>}
        <span className="tag">{c.status === 'OPEN' ? t('secCampaignOpen') : t('secCampaignClosed')}</span>
      </p>
      <p className="muted">
        {t('secDeadline', { date: date(c.deadline) })} ·{' '}
        {t('secProgress', {
          total: c.progress.total,
          certified: c.progress.certified,
          revoked: c.progress.revoked,
          lapsed: c.progress.lapsed,
          pending: c.progress.pending,
        })}
      </p>
      <progress
        max={Math.max(1, c.progress.total)}
        value={c.progress.total - c.progress.pending}
        aria-label={t('secDecidedShare')}
      />
    </>
  );
}

function StartCampaign() {
  const { t } = useI18n();
  const ids = useId();
  const [kind, setKind] = useState<'organization' | 'space'>('organization');
  const [organizationId, setOrganizationId] = useState('');
  const [spaceId, setSpaceId] = useState('');
  const [deadline, setDeadline] = useState('');
  const [result, start] = useMutation(StartRecertificationDocument);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const scope = kind === 'organization' ? { organizationId } : { spaceId };
    // The date input's day, to its end in the reviewer's time zone.
    const answer = await start(
      { scope, deadline: new Date(`${deadline}T23:59:59`).toISOString() },
      { additionalTypenames: ['RecertificationCampaign'] },
    );
    if (answer.data) navigate(`/security/campaigns/${answer.data.startRecertification.id}`);
  };
  return (
    <details className="composer">
      <summary>{t('secStartCampaign')}</summary>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <ScopePicker
          name={`${ids}-kind`}
          kind={kind}
          onKind={setKind}
          organizationId={organizationId}
          onOrganization={setOrganizationId}
          spaceId={spaceId}
          onSpace={setSpaceId}
        />
        <label htmlFor={`${ids}-deadline`}>{t('secDeadlineLabel')}</label>
        <input
          id={`${ids}-deadline`}
          type="date"
          required
          value={deadline}
          onChange={(e) => setDeadline(e.target.value)}
        />
        <button
          type="submit"
          disabled={result.fetching || !deadline || (kind === 'organization' ? !organizationId : !spaceId)}
        >
          {t('secStart')}
        </button>
        <ErrorNotice error={result.error} />
      </form>
    </details>
  );
}

/** A decision changes the items and the campaign's progress: both are asked again. */
const DECIDED = ['RecertificationItem', 'RecertificationCampaign'];

const ITEM_STATUSES: RecertificationItemStatus[] = ['PENDING', 'CERTIFIED', 'REVOKED', 'LAPSED'];

/** One campaign: its progress and its items; a HOST_ADMIN certifies or revokes (sponsors do it from their own list). */
export function CampaignPage({ id, me }: { id: string; me: Me }) {
  const { t } = useI18n();
  const ids = useId();
  useTitle(t('secCampaign'));
  const [status, setStatus] = useState<RecertificationItemStatus | ''>('');
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: RecertificationCampaignDocument,
    variables: { id },
  });
  if (fetching && !data) return <Loading />;
  if (!data) return <ErrorNotice error={error} />;
  const decided = () => reexecute({ requestPolicy: 'network-only' });
  const decides = (me.roles ?? []).includes('HOST_ADMIN');
  return (
    <>
      <h1>{t('secCampaign')}</h1>
      <div className="card">
        <CampaignLine campaign={data.recertificationCampaign} />
      </div>
      <h2>{t('secItems')}</h2>
      <div className="stack">
        <label htmlFor={`${ids}-status`}>{t('secItemStatus')}</label>
        <select
          id={`${ids}-status`}
          value={status}
          onChange={(e) => setStatus(e.target.value as RecertificationItemStatus | '')}
        >
          <option value="">{t('secAllStatuses')}</option>
          {ITEM_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`secItem_${s}`)}
            </option>
          ))}
        </select>
      </div>
      <PagedList
        key={status}
        query={RecertificationItemsDocument}
        variables={{ id, status: status || null }}
        page={(d) => d.recertificationCampaign.items}
        empty={t('secNoItems')}
        item={(item) => (
          <ItemCard
            key={item.id}
            item={item}
            decides={decides && data.recertificationCampaign.status === 'OPEN'}
            onDecided={decided}
          />
        )}
      />
    </>
  );
}

type Item = RecertificationItemsQuery['recertificationCampaign']['items']['edges'][number]['node'];

function ItemCard({ item, decides, onDecided }: { item: Item; decides: boolean; onDecided: () => void }) {
  const { t, date } = useI18n();
  const ids = useId();
  const [reason, setReason] = useState('');
  const [certified, certify] = useMutation(CertifyGrantDocument);
  const [revoked, revoke] = useMutation(RevokeGrantDocument);
  const name = item.member.displayName ?? t('secUnseen');
  // The decision's own answer says the item's new status at once; the campaign's progress is asked again.
  const status = certified.data?.certifyGrant.status ?? revoked.data?.revokeGrant.status ?? item.status;
  const decide = async (run: () => Promise<{ data?: unknown }>) => {
    if ((await run()).data) onDecided();
  };
  return (
    <li className="card">
      <div className="row">
        <LabelBadge level={item.space.classification} />
        <strong>{name}</strong>
        <span>· {item.space.name ?? t('secUnseen')}</span>
        <span className="tag">{t(`secItem_${status}`)}</span>
      </div>
      <p className="muted">
        {t(`role_${item.role}`)} · {item.expiresAt ? t('expires', { date: date(item.expiresAt) }) : t('noExpiry')}
        {item.decidedAt && <> · {t('secDecidedOn', { date: date(item.decidedAt) })}</>}
        {item.reason && <> · {item.reason}</>}
      </p>
      {decides && status === 'PENDING' && (
        <div className="row">
          <button
            type="button"
            disabled={certified.fetching}
            aria-label={t('secCertifyFor', { name })}
            onClick={() => void decide(() => certify({ itemId: item.id }, { additionalTypenames: DECIDED }))}
          >
            {t('secCertify')}
          </button>
          <label htmlFor={`${ids}-reason`}>{t('secRevokeReason')}</label>
          <input id={`${ids}-reason`} value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} />
          <button
            type="button"
            className="secondary"
            disabled={revoked.fetching}
            aria-label={t('secRevokeFor', { name })}
            onClick={() => void revoke({ itemId: item.id, reason: reason || null }, { additionalTypenames: DECIDED })}
          >
            {t('secRevoke')}
          </button>
        </div>
      )}
      <ErrorNotice error={certified.error ?? revoked.error} />
    </li>
  );
}

/** Which grants: one external organisation's, or one space's (a review and a campaign ask the same). */
function ScopePicker(props: {
  name: string;
  kind: 'organization' | 'space';
  onKind: (kind: 'organization' | 'space') => void;
  organizationId: string;
  onOrganization: (id: string) => void;
  spaceId: string;
  onSpace: (id: string) => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <fieldset className="picker">
        <legend>{t('secScope')}</legend>
        <label className="inline">
          <input
            type="radio"
            name={props.name}
            checked={props.kind === 'organization'}
            onChange={() => props.onKind('organization')}
          />{' '}
          {t('secOneOrganization')}
        </label>
        <label className="inline">
          <input
            type="radio"
            name={props.name}
            checked={props.kind === 'space'}
            onChange={() => props.onKind('space')}
          />{' '}
          {t('secOneSpace')}
        </label>
      </fieldset>
      {props.kind === 'organization' ? (
        <OrganizationPicker
          label={t('secOrganization')}
          value={props.organizationId}
          externalOnly
          onChange={props.onOrganization}
        />
      ) : (
        <SpacePicker label={t('secSpace')} value={props.spaceId} onChange={props.onSpace} />
      )}
    </>
  );
}
