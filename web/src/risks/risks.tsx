import { FormEvent, useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorNotice, LabelBadge, labelName, Loading } from '../components/common';
import { SpaceNav } from '../components/space-nav';
import {
  CreateRiskEntryDocument,
  RiskMapDocument,
  RiskMapQuery,
  RiskStatus,
  UpdateRiskStatusDocument,
} from '../generated/graphql';
import { useI18n } from '../i18n';

const LEVELS = [0, 1, 2, 3, 4];
const STATUSES: RiskStatus[] = ['OPEN', 'MITIGATED', 'CLOSED'];
type Entry = RiskMapQuery['riskMap']['entries'][number];

/** A space's risk map (its OWNERs and ANIMATORs, security reviewers): the 5×5 heat map, its entries, a new risk. */
export function RisksPage({ id }: { id: string }) {
  const { t } = useI18n();
  const [{ data, error, fetching }, refetch] = useQuery({ query: RiskMapDocument, variables: { spaceId: id } });
  // The client keeps no cache: after a change, the map and the space's restriction are asked again.
  const reload = () => refetch({ requestPolicy: 'network-only' });
  useEffect(() => {
    if (data?.space) document.title = `${t('navRisks')} — ${data.space.name} · Passerelle`;
  }, [data, t]);
  if (fetching && !data) return <Loading />;
  if (!data?.space || !data.riskMap) return <ErrorNotice error={error} />;
  const { space, riskMap } = data;
  return (
    <>
      <SpaceNav space={space} current="risks" title={t('navRisks')} />
      {riskMap.openCriticalRisk && (
        <p className="notice notice-warning" role="note">
          {t('openCriticalRisk')}
        </p>
      )}
      <HeatMap matrix={riskMap.matrix} />
      <h2>{t('riskEntries')}</h2>
      {riskMap.entries.length === 0 ? (
        <p className="muted">{t('noRisks')}</p>
      ) : (
        <ul className="cards">
          {riskMap.entries.map((e) => (
            <RiskItem key={e.id} entry={e} canManage={space.viewerCan.manageRisks} onChange={reload} />
          ))}
        </ul>
      )}
      {space.viewerCan.manageRisks && <RiskForm spaceId={space.id} onChange={reload} />}
    </>
  );
}

/** Probability (rows, highest first) × impact (columns), each cell the count of entries not CLOSED. */
function HeatMap({ matrix }: { matrix: RiskMapQuery['riskMap']['matrix'] }) {
  const { t } = useI18n();
  const count = (p: number, i: number) => matrix.find((c) => c.probability === p && c.impact === i)?.count ?? 0;
  return (
    <div className="heatmap-wrap">
      <table className="heatmap">
        <caption>{t('heatMapCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('probabilityByImpact')}</th>
            {LEVELS.map((i) => (
              <th key={i} scope="col">
                <LabelBadge level={i} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...LEVELS].reverse().map((p) => (
            <tr key={p}>
              <th scope="row">
                <LabelBadge level={p} />
              </th>
              {LEVELS.map((i) => {
                const n = count(p, i);
                return (
                  <td key={i} className={`heat heat-${Math.min(4, Math.floor((p + i) / 2))}${n ? ' heat-filled' : ''}`}>
                    {n}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RiskItem({ entry, canManage, onChange }: { entry: Entry; canManage: boolean; onChange: () => void }) {
  const { t, date } = useI18n();
  const [status, setStatus] = useState<RiskStatus>(entry.status);
  const [result, update] = useMutation(UpdateRiskStatusDocument);
  const field = `risk-status-${entry.id}`;
  return (
    <li className="card">
      <p>
        <strong>{entry.description}</strong>
      </p>
      <p className="muted">
        {t('probability')} {entry.probability} · {labelName(t, entry.probability)} — {t('impact')} {entry.impact} ·{' '}
        {labelName(t, entry.impact)} — {t(`riskStatus_${entry.status}`)} · {date(entry.updatedAt)}
        {entry.owner && <> · {t('riskOwner', { name: entry.owner.displayName })}</>}
      </p>
      {entry.mitigation && <p>{t('mitigationIs', { text: entry.mitigation })}</p>}
      {canManage && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void update({ id: entry.id, status }).then((answer) => answer.data && onChange());
          }}
        >
          <label htmlFor={field}>{t('riskStatus')}</label>
          <select id={field} value={status} onChange={(e) => setStatus(e.target.value as RiskStatus)}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`riskStatus_${s}`)}
              </option>
            ))}
          </select>
          <button type="submit" className="secondary" disabled={result.fetching || status === entry.status}>
            {t('update')}
          </button>
          <ErrorNotice error={result.error} />
        </form>
      )}
    </li>
  );
}

/** createRiskEntry: what, how likely, how bad (the labels' scale), what is done about it. */
function RiskForm({ spaceId, onChange }: { spaceId: string; onChange: () => void }) {
  const { t } = useI18n();
  const [description, setDescription] = useState('');
  const [probability, setProbability] = useState(2);
  const [impact, setImpact] = useState(2);
  const [mitigation, setMitigation] = useState('');
  const [result, create] = useMutation(CreateRiskEntryDocument);
  const [done, setDone] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await create({
      input: { spaceId, description: description.trim(), probability, impact, mitigation: mitigation.trim() || null },
    });
    if (answer.data) {
      setDescription('');
      setMitigation('');
      setDone(true);
      onChange();
    }
  };
  const levelSelect = (id: string, value: number, set: (n: number) => void) => (
    <select id={id} value={value} onChange={(e) => set(Number(e.target.value))}>
      {LEVELS.map((n) => (
        <option key={n} value={n}>
          {n} · {labelName(t, n)}
        </option>
      ))}
    </select>
  );
  return (
    <section aria-labelledby="new-risk" className="panel">
      <h2 id="new-risk">{t('newRisk')}</h2>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <label htmlFor="risk-description">{t('riskDescription')}</label>
        <textarea
          id="risk-description"
          required
          rows={3}
          maxLength={2000}
          value={description}
          onChange={(e) => {
            setDescription(e.target.value);
            setDone(false);
          }}
        />
        <label htmlFor="risk-probability">{t('probability')}</label>
        {levelSelect('risk-probability', probability, setProbability)}
        <label htmlFor="risk-impact">{t('impact')}</label>
        {levelSelect('risk-impact', impact, setImpact)}
        <p className="muted">{t('criticalRiskHelp')}</p>
        <label htmlFor="risk-mitigation">{t('mitigation')}</label>
        <textarea
          id="risk-mitigation"
          rows={2}
          maxLength={2000}
          value={mitigation}
          onChange={(e) => setMitigation(e.target.value)}
        />
        <button type="submit" disabled={result.fetching}>
          {t('recordRisk')}
        </button>
        {done && <p role="status">{t('riskRecorded')}</p>}
        <ErrorNotice error={result.error} />
      </form>
    </section>
  );
}
