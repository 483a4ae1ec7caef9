import { useEffect, useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  XAxis,
  XAxisTickContentProps,
  YAxis,
} from 'recharts';
import { useQuery } from 'urql';
import { ErrorNotice, Loading } from '../components/common';
import { SpaceNav } from '../components/space-nav';
import { HealthFigureViewFragment, HealthPeriod, SpaceHealthDocument, SpaceHealthQuery } from '../generated/graphql';
import { MessageKey, useI18n } from '../i18n';

type Bucket = SpaceHealthQuery['spaceHealth']['buckets'][number];
type Figure = HealthFigureViewFragment;

/** The figures, in the order the table shows them; the chart draws the counts. */
const FIGURES: {
  key: keyof Omit<Bucket, 'start' | 'end' | '__typename'>;
  label: MessageKey;
  kind: 'count' | 'rate' | 'hours';
}[] = [
  { key: 'activeMembers', label: 'healthActiveMembers', kind: 'count' },
  { key: 'activeHostMembers', label: 'healthActiveHost', kind: 'count' },
  { key: 'activeExternalMembers', label: 'healthActiveExternal', kind: 'count' },
  { key: 'posts', label: 'healthPosts', kind: 'count' },
  { key: 'comments', label: 'healthComments', kind: 'count' },
  { key: 'replyRate', label: 'healthReplyRate', kind: 'rate' },
  { key: 'medianFirstReplyHours', label: 'healthFirstReply', kind: 'hours' },
];

const CHARTED = ['activeMembers', 'posts', 'comments'] as const;
const COLOURS: Record<(typeof CHARTED)[number], string> = {
  activeMembers: '#1d4f91',
  posts: '#1a7f37',
  comments: '#9a6700',
};

/**
 * A space's community health (OWNERs, ANIMATORs, HOST_ADMIN): aggregates per week or month,
 * drawn with recharts (SVG, no inline script or style) and given again as a table. A figure
 * resting on fewer than 5 people comes withheld from the API and reads "fewer than 5".
 */
export function HealthPage({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const [period, setPeriod] = useState<HealthPeriod>('WEEK');
  const [{ data, error, fetching }] = useQuery({ query: SpaceHealthDocument, variables: { spaceId: id, period } });
  useEffect(() => {
    if (data?.space) document.title = `${t('navHealth')} — ${data.space.name} · Passerelle`;
  }, [data, t]);
  if (fetching && !data) return <Loading />;
  if (!data?.space || !data.spaceHealth) return <ErrorNotice error={error} />;
  const { space, spaceHealth } = data;
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const periodName = (b: Bucket) =>
    new Intl.DateTimeFormat(
      locale,
      period === 'WEEK' ? { day: 'numeric', month: 'short' } : { month: 'short', year: 'numeric' },
    ).format(new Date(b.start));
  const show = (f: Figure, kind: 'count' | 'rate' | 'hours') => {
    if (f.suppressed || f.value === null || f.value === undefined) return f.suppressed ? t('fewerThan5') : '—';
    if (kind === 'rate') return new Intl.NumberFormat(locale, { style: 'percent' }).format(f.value);
    if (kind === 'hours')
      return t('hours', { n: new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(f.value) });
    return new Intl.NumberFormat(locale).format(f.value);
  };
  const rows = spaceHealth.buckets.map((b) => ({
    period: periodName(b),
    ...Object.fromEntries(CHARTED.map((k) => [k, b[k].suppressed ? null : b[k].value])),
  }));
  // A period with a withheld figure gets no bar for it, and "fewer than 5" under its name.
  const withheld = new Set(
    spaceHealth.buckets.filter((b) => CHARTED.some((k) => b[k].suppressed)).map((b) => periodName(b)),
  );
  const tick = ({ x, y, payload }: XAxisTickContentProps) => (
    <g transform={`translate(${x},${y})`}>
      <text dy={14} textAnchor="middle" fontSize={12} fill="#57606a">
        {payload.value}
      </text>
      {withheld.has(String(payload.value)) && (
        <text dy={30} textAnchor="middle" fontSize={11} fill="#82071e">
          {t('fewerThan5')}
        </text>
      )}
    </g>
  );
  return (
    <>
      <SpaceNav space={space} current="health" title={t('navHealth')} />
      <p className="muted">{t('healthIntro')}</p>
      <fieldset className="row">
        <legend>{t('healthPeriod')}</legend>
        {(['WEEK', 'MONTH'] as const).map((p) => (
          <label key={p} className="choice">
            <input type="radio" name="period" checked={period === p} onChange={() => setPeriod(p)} />
            {t(p === 'WEEK' ? 'perWeek' : 'perMonth')}
          </label>
        ))}
      </fieldset>
      <dl className="facts">
        <dt>{t('healthPending')}</dt>
        <dd>{show(spaceHealth.pendingInvitations, 'count')}</dd>
        <dt>{t('healthExpiring')}</dt>
        <dd>{show(spaceHealth.expiringMemberships, 'count')}</dd>
      </dl>
      <figure className="chart" aria-labelledby="health-chart-title">
        <figcaption id="health-chart-title">{t('healthChartTitle')}</figcaption>
        {/* The chart is a picture of the table below, which screen readers read instead. */}
        <div aria-hidden="true" className="chart-box">
          <ResponsiveContainer width="100%" height={280}>
            <BarChart accessibilityLayer={false} data={rows} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="period" height={40} tick={tick} />
              <YAxis allowDecimals={false} />
              <Legend />
              {CHARTED.map((k) => (
                <Bar
                  key={k}
                  dataKey={k}
                  name={t(FIGURES.find((f) => f.key === k)!.label)}
                  fill={COLOURS[k]}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
      </figure>
      <div className="table-wrap">
        <table className="figures">
          <caption>{t('healthTableCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t(period === 'WEEK' ? 'weekOf' : 'month')}</th>
              {FIGURES.map((f) => (
                <th key={f.key} scope="col">
                  {t(f.label)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {spaceHealth.buckets.map((b) => (
              <tr key={b.start}>
                <th scope="row">{periodName(b)}</th>
                {FIGURES.map((f) => (
                  <td key={f.key}>{show(b[f.key], f.kind)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
